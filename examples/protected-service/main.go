// Command protected-service is a small notes service protected by stsd
// through the stsdauth middleware, the way API Gateway's IAM
// authorization protects an API: callers sign their requests with their
// stsd credentials for service "execute-api", and each request must be
// allowed execute-api:Invoke on
// arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path}.
//
//	GET  /hello   answers the caller's ARN
//	GET  /notes   lists the notes
//	POST /notes   adds the request body as a note
//
// Flags (each also read from the environment variable in brackets):
//
//	-listen ADDR          address to serve on [LISTEN] (default 127.0.0.1:8080)
//	-stsd-url URL         stsd's base URL [STSD_URL] (default http://127.0.0.1:7788)
//	-api-id ID            API id of the resources [API_ID] (default notes-api)
//	-stage NAME           stage of the resources [STAGE] (default prod)
//	-region REGION        region the calls to stsd are signed for [AWS_REGION] (default us-east-1)
//	-verify-only          only check signatures, allow every verified caller
//
// The service's own stsd credentials, whose principal needs stsd:Authorize
// (or stsd:VerifyRequest with -verify-only), come from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or from the flags
// -access-key-id, -secret-access-key and -session-token (visible to other
// users of the machine in its process list: prefer the environment).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stsd/stsd/pkg/stsdauth"
)

// Bounds of the in-memory notes: a demo must not grow without limit.
const (
	maxNotes     = 1000
	maxNoteBytes = 4096
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "protected-service:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	listen, stsdURL, apiID, stage, region string
	accessKeyID, secretAccessKey, token   string
	verifyOnly                            bool
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("protected-service", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", envOr("LISTEN", "127.0.0.1:8080"), "address to serve on")
	fs.StringVar(&o.stsdURL, "stsd-url", envOr("STSD_URL", "http://127.0.0.1:7788"), "stsd's base URL")
	fs.StringVar(&o.apiID, "api-id", envOr("API_ID", "notes-api"), "API id in the execute-api resource ARNs")
	fs.StringVar(&o.stage, "stage", envOr("STAGE", "prod"), "stage in the execute-api resource ARNs")
	fs.StringVar(&o.region, "region", envOr("AWS_REGION", "us-east-1"), "region the calls to stsd are signed for")
	fs.StringVar(&o.accessKeyID, "access-key-id", os.Getenv("AWS_ACCESS_KEY_ID"), "the service's stsd access key id")
	fs.StringVar(&o.secretAccessKey, "secret-access-key", os.Getenv("AWS_SECRET_ACCESS_KEY"), "the service's stsd secret key (prefer AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&o.token, "session-token", os.Getenv("AWS_SESSION_TOKEN"), "the service's session token, for temporary credentials")
	fs.BoolVar(&o.verifyOnly, "verify-only", false, "only verify signatures; every verified caller is allowed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.accessKeyID == "" || o.secretAccessKey == "" {
		return o, errors.New("the service's own stsd credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return o, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	client, err := stsdauth.NewClient(stsdauth.ClientConfig{
		Endpoint:    o.stsdURL,
		Credentials: credentials.NewStaticCredentialsProvider(o.accessKeyID, o.secretAccessKey, o.token),
		Region:      o.region,
		HTTPClient:  &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		return err
	}
	mode := stsdauth.ModeAuthorize
	if o.verifyOnly {
		mode = stsdauth.ModeVerify
	}
	auth, err := stsdauth.New(stsdauth.Config{
		Client: client, Mode: mode, APIID: o.apiID, Stage: o.stage,
		MaxBodyBytes: maxNoteBytes, Logger: log,
	})
	if err != nil {
		return err
	}

	srv := &http.Server{
		Addr:              o.listen,
		Handler:           auth.Middleware(newService().routes()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- srv.Shutdown(shutdown)
	}()
	log.Info("serving", "listen", o.listen, "stsd", o.stsdURL, "api_id", o.apiID, "stage", o.stage, "verify_only", o.verifyOnly)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}

// note is one stored note.
type note struct {
	ID     int    `json:"id"`
	Author string `json:"author"`
	Text   string `json:"text"`
}

// service holds the notes in memory.
type service struct {
	mu    sync.Mutex
	notes []note
}

func newService() *service { return &service{} }

func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", s.hello)
	mux.HandleFunc("GET /notes", s.list)
	mux.HandleFunc("POST /notes", s.add)
	return mux
}

// caller is the principal the middleware put in the request's context.
func caller(r *http.Request) string {
	p, ok := stsdauth.PrincipalFrom(r.Context())
	if !ok {
		return ""
	}
	return p.ARN
}

func (s *service) hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello, %s\n", caller(r))
}

func (s *service) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	notes := append([]note{}, s.notes...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, notes)
}

func (s *service) add(w http.ResponseWriter, r *http.Request) {
	text, err := io.ReadAll(io.LimitReader(r.Body, maxNoteBytes+1))
	switch {
	case errors.Is(err, stsdauth.ErrPayloadHashMismatch):
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "XAmzContentSHA256Mismatch", "message": "The body is not the one that was signed."})
		return
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "IncompleteBody", "message": "The body could not be read."})
		return
	case len(text) > maxNoteBytes:
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"code": "RequestEntityTooLarge", "message": "A note is at most 4096 bytes."})
		return
	}
	s.mu.Lock()
	if len(s.notes) >= maxNotes {
		s.mu.Unlock()
		writeJSON(w, http.StatusInsufficientStorage, map[string]string{"code": "LimitExceeded", "message": "The service holds 1000 notes at most."})
		return
	}
	n := note{ID: len(s.notes) + 1, Author: caller(r), Text: string(text)}
	s.notes = append(s.notes, n)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, n)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
