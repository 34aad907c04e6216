// Command stsd is a self-hosted Security Token Service that speaks the AWS
// STS and IAM protocols.
//
//	stsd serve [--listen ADDR] [--data DIR] [--bootstrap FILE] [--store sqlite|postgres]
//	           [--postgres-dsn DSN] [--max-staleness DURATION]
//	           [--disabled-regions r1,r2] [--public-url URL]
//	           [--max-body-bytes-in-flight N] [--max-connections N] [--allowed-hosts auto,h1,...]
//	           [--authz-listen ADDR] [--authz-allow-unsigned-payload]
//
// Every flag can also be set with an environment variable STSD_<FLAG>
// (upper case, dashes as underscores); a flag on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: stsd <command> [flags]

commands:
  serve    start the STS and IAM endpoint
  help     show this text

Run "stsd serve -h" for the flags of serve.
`

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := serve(ctx, stop, args[1:], getenv, stdout, stderr, nil); err != nil {
			if !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(stderr, "stsd: %v\n", err)
			}
			return 1
		}
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "stsd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// minMaxStaleness is the shortest --max-staleness accepted: a node polls
// the database four times within the bound, and a bound much shorter than
// a few round trips would turn callers away on every scheduling hiccup.
const minMaxStaleness = 100 * time.Millisecond

// serveOptions are the flags of "stsd serve".
type serveOptions struct {
	listen, data, bootstrap, store, postgresDSN, disabledRegions string
	samlAudiences, samlRecipient, publicURL, allowedHosts        string
	authzListen                                                  string
	authzAllowUnsignedPayload                                    bool
	maxStaleness                                                 time.Duration
	maxBodyBytesInFlight                                         int64
	maxConnections                                               int
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveOptions, error) {
	var (
		o            serveOptions
		maxStaleness string
	)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv("STSD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&o.listen, "listen", env("listen", "127.0.0.1:7788"), "address to listen on (env STSD_LISTEN)")
	fs.StringVar(&o.data, "data", env("data", "./stsd-data"), "data directory: embedded store and master key (env STSD_DATA)")
	fs.StringVar(&o.bootstrap, "bootstrap", env("bootstrap", ""), "bootstrap YAML file applied at every start (env STSD_BOOTSTRAP)")
	fs.StringVar(&o.store, "store", env("store", "sqlite"), "store backend: sqlite or postgres (env STSD_STORE)")
	fs.StringVar(&o.postgresDSN, "postgres-dsn", env("postgres-dsn", ""), "PostgreSQL connection string for --store postgres (env STSD_POSTGRES_DSN)")
	fs.StringVar(&maxStaleness, "max-staleness", env("max-staleness", app.DefaultMaxStaleness.String()), "with --store postgres, how long a node serves long-term keys and IAM calls without confirming its view of IAM is current; past it they are answered ServiceUnavailable (env STSD_MAX_STALENESS)")
	fs.StringVar(&o.disabledRegions, "disabled-regions", env("disabled-regions", ""), "comma-separated regions in which STS is deactivated (env STSD_DISABLED_REGIONS)")
	fs.StringVar(&o.samlAudiences, "saml-audiences", env("saml-audiences", ""), "comma-separated SAML audiences AssumeRoleWithSAML accepts instead of AWS's (env STSD_SAML_AUDIENCES)")
	fs.StringVar(&o.samlRecipient, "saml-recipient", env("saml-recipient", ""), "SAML Recipient/Destination AssumeRoleWithSAML requires instead of AWS's (env STSD_SAML_RECIPIENT)")
	fs.StringVar(&o.publicURL, "public-url", env("public-url", ""), "externally reachable base URL of stsd, used in outbound federation issuer URLs; default http:// + the listening address (env STSD_PUBLIC_URL)")
	fs.Int64Var(&o.maxBodyBytesInFlight, "max-body-bytes-in-flight", 0, fmt.Sprintf("request-body bytes held in memory at once; beyond it requests wait briefly, then get 503 ServiceUnavailable (default %d; env STSD_MAX_BODY_BYTES_IN_FLIGHT)", server.DefaultMaxBodyBytesInFlight))
	fs.IntVar(&o.maxConnections, "max-connections", 0, fmt.Sprintf("connections open at once; further clients wait in the accept queue (default %d; env STSD_MAX_CONNECTIONS)", server.DefaultMaxConnections))
	fs.StringVar(&o.allowedHosts, "allowed-hosts", env("allowed-hosts", ""), "comma-separated hosts signed requests must be signed for, others get SignatureDoesNotMatch; \"auto\" stands for the --public-url host and the listening address; empty accepts any host (env STSD_ALLOWED_HOSTS)")
	fs.StringVar(&o.authzListen, "authz-listen", env("authz-listen", ""), "address of the Envoy ext_authz / nginx auth_request check (/ext-authz/{api-id}/{stage}/...), a listener of its own for the proxy only; off when empty (env STSD_AUTHZ_LISTEN)")
	fs.BoolVar(&o.authzAllowUnsignedPayload, "authz-allow-unsigned-payload", false, "let the ext_authz check accept requests whose body the signature does not cover (no x-amz-content-sha256 hash, or UNSIGNED-PAYLOAD) (env STSD_AUTHZ_ALLOW_UNSIGNED_PAYLOAD)")
	// The numeric and boolean flags take their environment value through
	// fs.Set, so that a malformed one is refused like a malformed flag.
	for _, name := range []string{"max-body-bytes-in-flight", "max-connections", "authz-allow-unsigned-payload"} {
		if v := env(name, ""); v != "" {
			if err := fs.Set(name, v); err != nil {
				return o, fmt.Errorf("STSD_%s: %w", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	d, err := time.ParseDuration(maxStaleness)
	if err != nil || d < minMaxStaleness {
		return o, fmt.Errorf("--max-staleness %q: want a duration of at least %s, such as 5s", maxStaleness, minMaxStaleness)
	}
	o.maxStaleness = d
	if o.maxBodyBytesInFlight == 0 {
		o.maxBodyBytesInFlight = server.DefaultMaxBodyBytesInFlight
	}
	if o.maxBodyBytesInFlight <= server.MaxBodyBytes {
		return o, fmt.Errorf("--max-body-bytes-in-flight must be more than %d, the largest request body", server.MaxBodyBytes)
	}
	if o.maxConnections == 0 {
		o.maxConnections = server.DefaultMaxConnections
	}
	if o.maxConnections < 0 {
		return o, errors.New("--max-connections must be positive")
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, nil
}

// serve runs the endpoint until ctx is cancelled, then lets in-flight
// requests finish. stop, when not nil, is called as shutdown begins (it
// restores default signal handling). ready, when not nil, receives the
// bound address, then the ext_authz listener's when --authz-listen is set.
func serve(ctx context.Context, stop func(), args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) error {
	o, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	regions, err := parseRegions(o.disabledRegions)
	if err != nil {
		return err
	}
	if o.publicURL != "" {
		// Checked before listening, like every other flag.
		if o.publicURL, err = app.ParsePublicURL(o.publicURL); err != nil {
			return fmt.Errorf("--public-url: %w", err)
		}
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	// Listen before opening the store: a first start that creates the root
	// key must be able to show it, and it can only do that once.
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	// Each connection costs memory before its body is budgeted (header
	// buffers, a goroutine): bounding them bounds that part.
	ln = server.LimitListener(ln, o.maxConnections)
	defer ln.Close()
	endpoint := "http://" + displayAddr(ln.Addr())
	publicURL := o.publicURL
	if publicURL == "" {
		// The address actually bound, so --listen 127.0.0.1:0 works too.
		publicURL = endpoint
	}
	allowedHosts, err := parseAllowedHosts(o.allowedHosts, publicURL, displayAddr(ln.Addr()))
	if err != nil {
		return err
	}
	var authzLn net.Listener
	if o.authzListen != "" {
		if authzLn, err = net.Listen("tcp", o.authzListen); err != nil {
			return fmt.Errorf("--authz-listen: %w", err)
		}
		authzLn = server.LimitListener(authzLn, o.maxConnections)
		defer authzLn.Close()
	}
	a, err := app.Open(ctx, app.Config{
		DataDir:              o.data,
		BootstrapFile:        o.bootstrap,
		Store:                o.store,
		PostgresDSN:          o.postgresDSN,
		MaxStaleness:         o.maxStaleness,
		MasterKey:            getenv("STSD_MASTER_KEY"),
		RootAccessKeyID:      getenv("STSD_ROOT_ACCESS_KEY_ID"),
		RootSecretAccessKey:  getenv("STSD_ROOT_SECRET_ACCESS_KEY"),
		DisabledRegions:      regions,
		SAMLAudiences:        splitList(o.samlAudiences),
		SAMLRecipient:        o.samlRecipient,
		PublicURL:            publicURL,
		MaxBodyBytesInFlight: o.maxBodyBytesInFlight,
		AllowedHosts:         allowedHosts,
		Logger:               logger,

		AuthzAllowUnsignedPayload: o.authzAllowUnsignedPayload,
	})
	if err != nil {
		return err
	}
	defer a.Close()
	go a.Run(ctx)
	if a.Bootstrap != nil {
		logger.Info("bootstrap applied", "file", o.bootstrap, "created", a.Bootstrap.Created, "updated", a.Bootstrap.Updated)
	}
	logger.Info("stsd listening", "endpoint", endpoint, "public_url", publicURL, "data", o.data, "store", o.store)
	if a.Created != nil {
		printFirstStart(stdout, a.Created, endpoint)
	}
	srv := httpServer(a.Handler, logger)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var authzSrv *http.Server
	if authzLn != nil {
		authzSrv = httpServer(a.ExtAuthz, logger)
		logger.Info("ext_authz check listening", "endpoint", "http://"+displayAddr(authzLn.Addr())+"/ext-authz/", "allow_unsigned_payload", o.authzAllowUnsignedPayload)
		go func() { errc <- authzSrv.Serve(authzLn) }()
	}
	if ready != nil {
		ready <- ln.Addr().String()
		if authzLn != nil {
			ready <- authzLn.Addr().String()
		}
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if stop != nil {
		stop() // a second signal now ends the process at once
	}
	logger.Info("shutting down: waiting for in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if authzSrv != nil {
		if err := authzSrv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shutdown of the ext_authz listener: %w", err)
		}
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// httpServer is the http.Server of each listener, with the timeouts and
// header bound every connection gets.
func httpServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// parseRegions reads --disabled-regions. US East (N. Virginia) cannot be
// deactivated in AWS ("You cannot deactivate the STS endpoint for the US
// East (N. Virginia) Region", IAM User Guide, "Managing AWS STS in an AWS
// Region"), so stsd refuses it too.
func parseRegions(s string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if r == "us-east-1" {
			return nil, errors.New("--disabled-regions: STS cannot be deactivated in us-east-1, as in AWS")
		}
		out = append(out, r)
	}
	return out, nil
}

// parseAllowedHosts reads --allowed-hosts: host or host:port entries, and
// "auto" for the hosts clients are told to use: the public URL's host (with
// and without the port when it is the scheme's default, since clients send
// either) and the listening address as a local client dials it.
func parseAllowedHosts(s, publicURL, listenAddr string) ([]string, error) {
	var out []string
	for _, h := range splitList(s) {
		if h != "auto" {
			if strings.ContainsAny(h, "/@ ") {
				return nil, fmt.Errorf("--allowed-hosts: %q is not a host or host:port", h)
			}
			out = append(out, strings.ToLower(h))
			continue
		}
		u, err := url.Parse(publicURL)
		if err != nil {
			return nil, fmt.Errorf("--allowed-hosts auto: %w", err)
		}
		out = append(out, strings.ToLower(u.Host), listenAddr)
		if p := u.Port(); p == "" || (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
			out = append(out, strings.ToLower(u.Hostname()), strings.ToLower(net.JoinHostPort(u.Hostname(), defaultPort(u.Scheme))))
		}
	}
	return out, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// splitList reads a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// displayAddr turns a listening address into one a client on this machine
// can dial: an unspecified host (0.0.0.0, ::) becomes the loopback address.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// printFirstStart shows the operator the root key made on this start. It is
// the one place stsd prints a secret, once, to standard output (never to the
// log), because nobody could use the account otherwise. A secret the
// operator supplied is not echoed: they have it already.
func printFirstStart(w io.Writer, k *app.RootKey, endpoint string) {
	secret := k.SecretAccessKey
	if k.Supplied {
		secret = `"$STSD_ROOT_SECRET_ACCESS_KEY"`
	}
	fmt.Fprintf(w, `stsd: created account %s with a root access key.

  AWS_ACCESS_KEY_ID=%s
  AWS_SECRET_ACCESS_KEY=%s

Try it:

  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=us-east-1 aws sts get-caller-identity --endpoint-url %s

`, k.AccountID, k.AccessKeyID, secret, k.AccessKeyID, secret, endpoint)
}
