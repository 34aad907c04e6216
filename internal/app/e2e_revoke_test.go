package app_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"github.com/stsd/stsd/internal/cutproxy"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/stsd/stsd/internal/app"
)

// pgSchema returns a DSN for a PostgreSQL schema of the test's own (the
// server STSD_TEST_POSTGRES_DSN names, else the local one), dropped at the
// end. Without a server the test skips, unless STSD_TEST_POSTGRES_REQUIRED
// is set.
func pgSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("STSD_TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("STSD_TEST_POSTGRES_REQUIRED") != "" {
			t.Fatalf("no PostgreSQL: %v", err)
		}
		t.Skipf("no PostgreSQL (%v); set STSD_TEST_POSTGRES_DSN", err)
	}
	t.Cleanup(func() { db.Close() })
	var b [8]byte
	rand.Read(b[:])
	name := "stsd_e2e_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE SCHEMA ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec(`DROP SCHEMA ` + name + ` CASCADE`) })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("STSD_TEST_POSTGRES_DSN must be a URL here: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// newCutProxy starts a cutproxy to target, closed when the test ends.
func newCutProxy(t *testing.T, target string) *cutproxy.Proxy {
	t.Helper()
	p, err := cutproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// via returns dsn with its host and port replaced by the proxy's.
func via(t *testing.T, p *cutproxy.Proxy, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.Addr()
	return u.String()
}

// startNode starts an stsd node on the PostgreSQL dsn with App.Run going.
func startNode(t *testing.T, dsn string, maxStale time.Duration) *harness {
	t.Helper()
	h := start(t, func(c *app.Config) {
		c.Store, c.PostgresDSN, c.MaxStaleness = "postgres", dsn, maxStale
		c.MasterKey = "0101010101010101010101010101010101010101010101010101010101010101"
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	a := h.app
	go func() { a.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done }) // before the harness closes the app
	return h
}

// callerIdentity calls GetCallerIdentity with the given credentials.
func callerIdentity(h *harness, id, secret, token string) error {
	_, err := h.stsClient(id, secret, token).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	return err
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// countingClient counts the HTTP attempts an SDK client makes.
type countingClient struct {
	http.Client
	n atomic.Int32
}

func (c *countingClient) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.Client.Do(r)
}

// TestRevocationSurvivesDatabaseCut is issue 10's probe: two nodes on one
// PostgreSQL database, node B cut off from it just after an access key
// was deleted through node A. B used to accept the deleted key for the
// whole outage; now, once it cannot confirm its view for longer than
// --max-staleness, it answers long-term keys and IAM calls with
// ServiceUnavailable (503) while session tokens keep working, and when the
// database is back it refuses the deleted key — at no point accepting it
// after learning of the deletion.
func TestRevocationSurvivesDatabaseCut(t *testing.T) {
	dsn := pgSchema(t)
	u, _ := url.Parse(dsn)
	proxy := newCutProxy(t, u.Host)
	a := startNode(t, dsn, 0)
	b := startNode(t, via(t, proxy, dsn), 300*time.Millisecond)
	ctx := context.Background()

	rootA := a.rootIAM()
	if _, err := rootA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	ak, err := rootA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	keyID, secret := *ak.AccessKey.AccessKeyId, *ak.AccessKey.SecretAccessKey
	if err := callerIdentity(b, keyID, secret, ""); err != nil {
		t.Fatalf("alice's key on node B: %v", err)
	}
	st, err := b.stsClient(keyID, secret, "").GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	sess := st.Credentials

	proxy.SetCut(true)
	if _, err := rootA.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	// Until the bound passes B may still serve its cached view; after it,
	// ServiceUnavailable.
	deadline := time.Now().Add(20 * time.Second)
	for err = callerIdentity(b, keyID, secret, ""); err == nil; err = callerIdentity(b, keyID, secret, "") {
		if time.Now().After(deadline) {
			t.Fatal("node B cut off from the database accepted the deleted key for 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	apiError(t, err, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", http.StatusServiceUnavailable)
	_, err = b.rootIAM().ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "ServiceUnavailable", "", http.StatusServiceUnavailable)
	if err := callerIdentity(b, *sess.AccessKeyId, *sess.SecretAccessKey, *sess.SessionToken); err != nil {
		t.Fatalf("session credentials on node B while cut off: %v", err)
	}
	// The SDK's standard retryer retries the 503 (a client would then
	// reach a healthy node behind a load balancer).
	hc := &countingClient{}
	_, err = b.stsClient(keyID, secret, "", func(o *sts.Options) {
		o.HTTPClient = hc
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.RateLimiter, o.Backoff = ratelimit.None, noBackoff{}
		})
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if errorCode(err) != "ServiceUnavailable" || int(hc.n.Load()) != retry.DefaultMaxAttempts {
		t.Fatalf("standard SDK retryer: %d attempts, %v; want %d attempts ending in ServiceUnavailable", hc.n.Load(), err, retry.DefaultMaxAttempts)
	}

	proxy.SetCut(false)
	deadline = time.Now().Add(30 * time.Second)
	for {
		err := callerIdentity(b, keyID, secret, "")
		if errorCode(err) == "InvalidClientTokenId" {
			break
		}
		if errorCode(err) != "ServiceUnavailable" {
			t.Fatalf("node B reconnecting answered the deleted key with %v; want ServiceUnavailable, then InvalidClientTokenId", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("node B still unavailable 30 s after the database came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := callerIdentity(b, rootKeyID, rootSecret, ""); err != nil {
		t.Fatalf("root key on node B after the database came back: %v", err)
	}
}
