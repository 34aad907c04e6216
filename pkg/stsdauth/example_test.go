package stsdauth_test

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stsd/stsd/pkg/stsdauth"
)

// A service protected like an API Gateway API with IAM authorization:
// callers sign for service "execute-api", and stsd decides
// execute-api:Invoke on arn:aws:execute-api:{region}:{account}:notes-api/prod/{METHOD}/{path}.
// The service's own key (here from the environment) needs stsd:Authorize.
func ExampleAuth_Middleware() {
	client, err := stsdauth.NewClient(stsdauth.ClientConfig{
		Endpoint: "http://127.0.0.1:7788",
		Credentials: credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")),
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := stsdauth.New(stsdauth.Config{Client: client, APIID: "notes-api", Stage: "prod"})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		p, _ := stsdauth.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "hello, %s\n", p.ARN)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", auth.Middleware(mux)))
}
