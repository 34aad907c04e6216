// Package stsdauth protects any http.Handler with AWS-style (SigV4)
// authentication and IAM authorization decided by stsd, the way API
// Gateway's IAM authorization protects an API: clients sign their
// requests with their stsd credentials for service "execute-api" (any
// SDK's signer, or curl --aws-sigv4), and the middleware asks stsd's
// relying-party API whether to let them through.
//
// For each request the middleware sends stsd (POST /v1/authorize, or
// POST /v1/verify in ModeVerify) the request's method, URL, headers and
// payload hash, signed with the protecting service's own stsd
// credentials (SigV4, service "stsd"); the principal needs stsd:Authorize
// (or stsd:VerifyRequest). The default question is API Gateway's:
// execute-api:Invoke on
// arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path},
// with region the request's signature region and account the signer's.
// An allowed request reaches the handler with the principal in its
// context (PrincipalFrom); a denied one is answered 403 AccessDenied with
// stsd's encoded_message, which the signer's administrator can decode
// with sts:DecodeAuthorizationMessage.
//
// In short (ExampleAuth_Middleware is the whole program):
//
//	client, _ := stsdauth.NewClient(stsdauth.ClientConfig{
//		Endpoint:    "https://sts.example.com",
//		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
//	})
//	auth, _ := stsdauth.New(stsdauth.Config{Client: client, APIID: "notes-api", Stage: "prod"})
//	http.ListenAndServe(":8080", auth.Middleware(mux))
//
// and in a handler:
//
//	p, _ := stsdauth.PrincipalFrom(r.Context()) // p.ARN, p.Account, p.Session...
//
// Payloads: a request whose x-amz-content-sha256 header names its payload
// hash is streamed to the handler, which reads ErrPayloadHashMismatch
// instead of io.EOF if the body is not the signed one; other bodies are
// read (up to Config.MaxBodyBytes, else 413) and hashed before the
// handler runs, and handed to it unchanged.
//
// Allowed decisions are cached for a short time (Config.CacheTTL, never
// past the session's expiry) under a key covering the signature, what it
// signs and the question; denials and failures are never cached. When
// stsd gives no answer the middleware fails closed with 503.
package stsdauth
