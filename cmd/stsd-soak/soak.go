//go:build linux

package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"github.com/stsd/stsd/internal/cutproxy"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// soakRun is one soak: its database schema, nodes, proxy and tallies.
type soakRun struct {
	o      options
	log    io.Writer
	admin  *sql.DB
	schema string
	tmp    string
	proxy  *cutproxy.Proxy
	a, b   *node
	http   *http.Client
	rootID string
	rootSK string

	tally   *tally
	windows *windows
}

// newRun prepares the schema, builds stsd and starts both nodes.
func newRun(ctx context.Context, o options, log io.Writer) (r *soakRun, err error) {
	pgHost, err := loopbackHost(o.dsn)
	if err != nil {
		return nil, err
	}
	r = &soakRun{o: o, log: log, tally: newTally(), windows: &windows{}}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if r.admin, err = openAdmin(ctx, o.dsn); err != nil {
		return nil, err
	}
	r.schema = "stsd_soak_" + randomHex(6)
	if _, err = r.admin.ExecContext(ctx, `CREATE SCHEMA `+r.schema); err != nil {
		r.schema = ""
		return nil, fmt.Errorf("creating the soak schema: %w", err)
	}
	if r.tmp, err = os.MkdirTemp("", "stsd-soak-"); err != nil {
		return nil, err
	}
	bin := o.stsd
	if bin == "" {
		if bin, err = buildStsd(ctx, r.tmp); err != nil {
			return nil, err
		}
	}
	dsnA, err := withSchema(o.dsn, r.schema)
	if err != nil {
		return nil, err
	}
	if r.proxy, err = cutproxy.New(pgHost); err != nil {
		return nil, err
	}
	dsnB, err := withHost(dsnA, r.proxy.Addr())
	if err != nil {
		return nil, err
	}
	r.rootID = "AKIA" + randomBase32(16)
	r.rootSK = randomBase32(40)
	env := append(os.Environ(),
		"STSD_MASTER_KEY="+randomHex(32),
		"STSD_ROOT_ACCESS_KEY_ID="+r.rootID,
		"STSD_ROOT_SECRET_ACCESS_KEY="+r.rootSK)
	r.a = &node{name: "A", bin: bin, env: env, dsn: dsnA, stale: o.maxStale, logDir: r.tmp}
	r.b = &node{name: "B", bin: bin, env: env, dsn: dsnB, stale: o.maxStale, logDir: r.tmp}
	// A first: it creates the tables and the account, B then finds them.
	if err = r.a.start(ctx); err != nil {
		return nil, err
	}
	if err = r.b.start(ctx); err != nil {
		return nil, err
	}
	r.http = &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: 4 * o.workers,
			// Well under the server's 120 s idle timeout, so a client never
			// reuses a connection the server is closing.
			IdleConnTimeout: 20 * time.Second,
		},
	}
	return r, nil
}

// close stops the nodes and the proxy and drops the schema.
func (r *soakRun) close() {
	for _, n := range []*node{r.a, r.b} {
		if n != nil {
			n.stop()
		}
	}
	if r.proxy != nil {
		r.proxy.Close()
	}
	if r.admin != nil {
		if r.schema != "" {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			r.admin.ExecContext(ctx, `DROP SCHEMA `+r.schema+` CASCADE`)
			cancel()
		}
		r.admin.Close()
	}
	if r.tmp != "" && os.Getenv("STSD_SOAK_KEEP") == "" {
		os.RemoveAll(r.tmp)
	}
}

func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)[:n]
}

// creds are an access key, with a session token for temporary ones.
type creds struct{ id, secret, token string }

func (c creds) provider() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token)
}

// stsAt and iamAt are SDK clients of node n signing with c. Retries are
// off, so every failure is counted rather than hidden.
func (r *soakRun) stsAt(n *node, c creds) *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.endpoint()),
		Credentials: c.provider(), Retryer: aws.NopRetryer{}, HTTPClient: r.http})
}

func (r *soakRun) iamAt(n *node, c creds) *iam.Client {
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.endpoint()),
		Credentials: c.provider(), Retryer: aws.NopRetryer{}, HTTPClient: r.http})
}

// call runs one request with a deadline and tallies its outcome under the
// node's name and op. It returns the error code ("" on success).
func (r *soakRun) call(ctx context.Context, n *node, op string, f func(context.Context) error) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	start := time.Now()
	err := f(cctx)
	if err != nil && ctx.Err() != nil {
		return "", ctx.Err() // cut short by the end of the run: not counted
	}
	code, status := classify(err)
	r.tally.add(n.name, op, code, status, r.windows.overlaps(start, time.Now()))
	return code, err
}

// classify names an outcome: "" for success, the AWS error code, or
// "transport" when no HTTP response came back; and the HTTP status.
func classify(err error) (code string, status int) {
	if err == nil {
		return "", 200
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && status != 0 {
		return ae.ErrorCode(), status
	}
	if status != 0 {
		return fmt.Sprintf("HTTP%d", status), status
	}
	return "transport", 0
}

// gci is GetCallerIdentity on n with c.
func (r *soakRun) gci(ctx context.Context, n *node, op string, c creds) (string, error) {
	return r.call(ctx, n, op, func(ctx context.Context) error {
		_, err := r.stsAt(n, c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	})
}

// createKey makes an access key for user through n, tallied under op.
func (r *soakRun) createKey(ctx context.Context, n *node, op string, as creds, user string) (creds, string, error) {
	var key creds
	code, err := r.call(ctx, n, op, func(ctx context.Context) error {
		out, err := r.iamAt(n, as).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
		if err == nil {
			key = creds{id: aws.ToString(out.AccessKey.AccessKeyId), secret: aws.ToString(out.AccessKey.SecretAccessKey)}
		}
		return err
	})
	return key, code, err
}

// deleteKey deletes user's access key id through n, tallied under op.
func (r *soakRun) deleteKey(ctx context.Context, n *node, op string, as creds, user, id string) (string, error) {
	return r.call(ctx, n, op, func(ctx context.Context) error {
		_, err := r.iamAt(n, as).DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(id)})
		return err
	})
}

// fixture is what setup makes: the load's user key and role.
type fixture struct {
	worker  creds
	roleArn string
}

// setup creates, through node A's root, a user with full IAM and STS
// rights for the load, a role it may assume, one user per worker for key
// churn and one for revocation probes; then waits until node B sees them.
func (r *soakRun) setup(ctx context.Context) (fixture, error) {
	root := creds{id: r.rootID, secret: r.rootSK}
	c := r.iamAt(r.a, root)
	var f fixture
	id, err := r.stsAt(r.a, root).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return f, fmt.Errorf("root on node A: %w", err)
	}
	account := aws.ToString(id.Account)
	users := []string{"soak", "revoke", "cutprobe"}
	for i := 0; i < r.o.workers; i++ {
		users = append(users, fmt.Sprintf("churn-%d", i))
	}
	for _, u := range users {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			return f, fmt.Errorf("CreateUser %s: %w", u, err)
		}
	}
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("soak"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}`)}); err != nil {
		return f, fmt.Errorf("PutUserPolicy: %w", err)
	}
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/soak"},"Action":"sts:AssumeRole"}]}`, account)
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("soak-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		return f, fmt.Errorf("CreateRole: %w", err)
	}
	f.roleArn = aws.ToString(role.Role.Arn)
	ak, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("soak")})
	if err != nil {
		return f, fmt.Errorf("CreateAccessKey: %w", err)
	}
	f.worker = creds{id: aws.ToString(ak.AccessKey.AccessKeyId), secret: aws.ToString(ak.AccessKey.SecretAccessKey)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := r.stsAt(r.b, f.worker).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(f.roleArn), RoleSessionName: aws.String("setup")})
		if err == nil {
			return f, nil
		}
		if time.Now().After(deadline) {
			return f, fmt.Errorf("node B does not see the soak user and role after 30 s: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// worker drives mixed load until ctx ends, alternating nodes: the user's
// key, AssumeRole, the session it returned, and access key churn on a
// user of its own (created and deleted on the same node).
func (r *soakRun) worker(ctx context.Context, w int, f fixture) {
	nodes := [2]*node{r.a, r.b}
	user := fmt.Sprintf("churn-%d", w)
	var session creds
	var leftover []string // churn keys whose delete failed
	for i := 0; ctx.Err() == nil; i++ {
		n := nodes[(w+i)%2]
		switch i % 4 {
		case 0:
			r.gci(ctx, n, "GetCallerIdentity(key)", f.worker)
		case 1:
			r.call(ctx, n, "AssumeRole", func(ctx context.Context) error {
				out, err := r.stsAt(n, f.worker).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(f.roleArn), RoleSessionName: aws.String(fmt.Sprintf("w%d", w))})
				if err == nil {
					c := out.Credentials
					session = creds{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)}
				}
				return err
			})
		case 2:
			if session.id != "" {
				r.gci(ctx, n, "GetCallerIdentity(session)", session)
			}
		case 3:
			for len(leftover) > 0 {
				code, _ := r.deleteKey(ctx, n, "DeleteAccessKey", f.worker, user, leftover[0])
				if code != "" && code != "NoSuchEntity" {
					break
				}
				leftover = leftover[1:]
			}
			if len(leftover) > 0 {
				continue
			}
			key, code, _ := r.createKey(ctx, n, "CreateAccessKey", f.worker, user)
			if code != "" {
				continue
			}
			if code, _ := r.deleteKey(ctx, n, "DeleteAccessKey", f.worker, user, key.id); code != "" {
				leftover = append(leftover, key.id)
			}
		}
		if ctx.Err() == nil && r.windows.active() {
			// While a node is down or cut off its failures come back at once;
			// a short pause keeps them from swamping the tallies.
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// windows records the declared chaos windows: from the start of a cut or
// kill until the nodes are seen to have recovered, plus a grace period.
type windows struct {
	mu    sync.Mutex
	open  int
	spans [][2]time.Time
	start time.Time
}

// chaosGrace is how long after a confirmed recovery failures still count
// as part of the chaos window: requests already in flight, pools
// reconnecting.
const chaosGrace = 2 * time.Second

func (w *windows) begin() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.open == 0 {
		w.start = time.Now()
	}
	w.open++
}

func (w *windows) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.open--
	if w.open == 0 {
		w.spans = append(w.spans, [2]time.Time{w.start, time.Now().Add(chaosGrace)})
	}
}

func (w *windows) active() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.open > 0
}

// overlaps reports whether a request from s to e overlapped a window.
func (w *windows) overlaps(s, e time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.open > 0 {
		return true
	}
	for _, sp := range w.spans {
		if !s.After(sp[1]) && !e.Before(sp[0]) {
			return true
		}
	}
	return false
}

// isServiceUnavailable tells whether code is a node refusing for want of
// a current view (cut off from the database past --max-staleness).
func isServiceUnavailable(code string) bool { return code == "ServiceUnavailable" }

// shortErr is err's first line, for notes in the report.
func shortErr(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
