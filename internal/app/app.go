// Package app assembles a running stsd from its configuration: it opens the
// master key and the store, applies the bootstrap file, creates the first
// account on a first start, loads the session-token key ring and builds the
// HTTP handler. cmd/stsd and the end-to-end tests both start stsd through it,
// so what the tests exercise is what users run.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/bootstrap"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/ids"
	"github.com/stsd/stsd/internal/lastused"
	"github.com/stsd/stsd/internal/metrics"
	"github.com/stsd/stsd/internal/mfa"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/relying"
	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/server"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
	"github.com/stsd/stsd/internal/store/postgres"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/sts"
	"github.com/stsd/stsd/internal/tokenkeys"
)

// policyCacheSize bounds the compiled-policy cache: enough for every
// policy of a large deployment to stay compiled.
const policyCacheSize = 10000

// DefaultAccountID is the account a first start creates when no bootstrap
// file is given.
const DefaultAccountID = "000000000000"

// DefaultPublicURL is the public URL of a Config that names none: stsd's
// default listening address, as a client on the same machine reaches it.
const DefaultPublicURL = "http://127.0.0.1:7788"

// Config is everything stsd needs to start.
type Config struct {
	// DataDir holds the embedded SQLite store and the local master key.
	DataDir string
	// BootstrapFile, when set, is applied at every start.
	BootstrapFile string
	// Store is "sqlite" (default) or "postgres".
	Store string
	// PostgresDSN is the connection string for Store "postgres".
	PostgresDSN string
	// MaxStaleness bounds, for Store "postgres", how long the node trusts
	// its cached view of IAM without confirming it matches the database;
	// past it, long-term access keys and IAM calls are answered
	// ServiceUnavailable (session tokens for STS keep working). Zero means
	// DefaultMaxStaleness. A SQLite node is the only writer of its store
	// and is always fresh.
	MaxStaleness time.Duration
	// MasterKey, when set, is the operator-supplied master key (encoded as
	// seal.FromEncoded accepts); otherwise DataDir/master.key is used.
	MasterKey string
	// RootAccessKeyID and RootSecretAccessKey, when both set, are the root
	// key of the default account instead of a generated one.
	RootAccessKeyID, RootSecretAccessKey string
	// DisabledRegions are regions where STS refuses to issue credentials.
	DisabledRegions []string
	// SAMLAudiences and SAMLRecipient replace AWS's SAML service-provider
	// identity (https://signin.aws.amazon.com/saml) for IdPs configured
	// to send assertions for stsd itself; empty keeps AWS's.
	SAMLAudiences []string
	SAMLRecipient string
	// PublicURL is the base URL clients and external verifiers reach stsd
	// at, e.g. "https://sts.example.com"; accounts' outbound identity
	// federation issuer URLs are built from it (PublicURL + "/outbound/" +
	// issuer id). It must pass ParsePublicURL; empty means
	// DefaultPublicURL.
	PublicURL string
	// MaxBodyBytesInFlight bounds the request-body bytes held in memory at
	// once; 0 means server.DefaultMaxBodyBytesInFlight.
	MaxBodyBytesInFlight int64
	// AllowedHosts, when not empty, are the only hosts (Host header values)
	// signed requests are accepted for; see server.Config.AllowedHosts.
	AllowedHosts []string
	// AuthzAllowUnsignedPayload lets the ext_authz check (App.ExtAuthz)
	// accept requests whose body the signature does not cover.
	AuthzAllowUnsignedPayload bool
	// Logger receives the request log and start-up messages.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// wrapBackend, when set (by tests), wraps the opened store, e.g. to
	// make its writes fail as on a full disk.
	wrapBackend func(store.Store) store.Store
}

// App is a started stsd, ready to serve.
type App struct {
	// Handler serves STS, IAM, /healthz, /readyz, /metrics and the outbound
	// federation issuers' documents under /outbound/.
	Handler http.Handler
	// ExtAuthz is the Envoy ext_authz / nginx auth_request check
	// (/ext-authz/{api-id}/{stage}/..., /healthz), to be served on a
	// listener of its own that only the proxy reaches; the main Handler
	// does not serve it.
	ExtAuthz http.Handler
	// Store is the (cached) store the services use.
	Store store.Store
	// Created describes the root key made on this start, if any.
	Created *RootKey
	// Bootstrap summarizes what the bootstrap file changed, if one was given.
	Bootstrap *bootstrap.Summary

	backend store.Store
	guard   *writeGuard
	keys    *tokenkeys.Manager
	// messages seals and opens encoded authorization messages under the
	// token key ring.
	messages *authmsg.Codec
	uses     *lastused.Recorder
	cache    *cache.Cache
	log      *slog.Logger
	// shared is set when other nodes may write the store (PostgreSQL):
	// the cache then follows their commits by notice and by polling.
	shared *sharedView
}

// sharedView is how a node on a shared database keeps its cache in step.
type sharedView struct {
	listener *postgres.Listener
	// poll is the interval of the generation read that proves freshness
	// and catches notices the listener missed; maxStale is the age at
	// which the view stops being trusted.
	poll, maxStale time.Duration
}

// Run does stsd's background work until ctx ends: it rotates the
// session-token key when due and picks up keys rotated by other nodes,
// and writes down when access keys and roles were last used. On a shared
// database it also drops the read cache when another node commits: at
// once on the commit's notice, and on a periodic generation read (one
// cheap query) that catches what the listener missed and proves the view
// fresh, so an IAM change on one node reaches the others as fast as the
// notice travels, and within the poll interval even if it is lost.
func (a *App) Run(ctx context.Context) {
	go a.every(ctx, lastUsedInterval, "last-used flush", a.uses.Flush)
	if v := a.shared; v != nil {
		go v.listener.Run(ctx)
		go a.every(ctx, v.poll, "cache refresh", a.refresh)
	} else {
		// One node has no other node's writes to follow, but the
		// periodic generation read keeps /readyz's view of the store
		// current.
		go a.every(ctx, maxCacheRefreshInterval, "store check", a.refresh)
	}
	a.every(ctx, keyRefreshInterval, "session-token key refresh", a.keys.Refresh)
}

// refresh rereads the generation, giving up after a poll interval so a
// database that stopped answering holds no refresh for longer than that:
// the view then ages into staleness, and the next poll tries again. A
// refresh that reached the store keeps the data counted as fresh for
// /readyz.
func (a *App) refresh(ctx context.Context) error {
	poll := maxCacheRefreshInterval
	if a.shared != nil {
		poll = a.shared.poll
	}
	ctx, cancel := context.WithTimeout(ctx, poll)
	defer cancel()
	return a.cache.Refresh(ctx)
}

// changed applies a listener report: a commit's generation, or a
// reconnection after which the generation must be reread.
func (a *App) changed(ctx context.Context, c postgres.Change) {
	if !c.Resync {
		a.cache.Observe(c.Generation)
		return
	}
	if err := a.refresh(ctx); err != nil && ctx.Err() == nil {
		a.log.Warn("cache refresh after listener reconnect failed", "err", err)
	}
}

// stale reports whether the node may not trust its cached view of IAM.
// It reads the wall clock, not Config.Now: staleness is the real time
// since the database last answered, whatever time the protocol sees.
func (a *App) stale() bool {
	return a.cache.Stale(time.Now(), a.shared.maxStale)
}

// every runs job each interval until ctx ends, logging failures: each job
// leaves things as they were when it fails (the current ring stays valid,
// a failed flush only delays a last-used date), so the next run retries.
func (a *App) every(ctx context.Context, interval time.Duration, what string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn(what+" failed", "err", err)
			}
		}
	}
}

// Background intervals: the key ring is checked for rotation every ten
// minutes (and reloaded on demand for an unknown key id); last-used facts
// are written every 30 seconds; on a shared database the generation is
// read every maxCacheRefreshInterval, or a quarter of the staleness bound
// when that is shorter, so a node misses three polls before it refuses.
const (
	keyRefreshInterval      = 10 * time.Minute
	lastUsedInterval        = 30 * time.Second
	maxCacheRefreshInterval = 2 * time.Second
	minCacheRefreshInterval = 10 * time.Millisecond
	// listenerRetry is the pause before the commit listener reconnects.
	listenerRetry = time.Second
)

// DefaultMaxStaleness is Config.MaxStaleness when unset: long enough that
// a database pause of a few seconds (a fail-over's connection reset, a
// slow checkpoint) does not turn away callers, short enough that a node
// cut off from the database stops honouring keys deleted elsewhere soon.
const DefaultMaxStaleness = 5 * time.Second

// RootKey is a root access key created at start-up, to show the operator.
type RootKey struct {
	AccountID       string
	AccessKeyID     string
	SecretAccessKey string
	// Supplied is true when the operator gave the key (environment), so
	// the secret need not be shown back.
	Supplied bool
}

// Open starts stsd from cfg. On error nothing keeps running; the store may
// have been created but a failed bootstrap changes nothing in it.
func Open(ctx context.Context, cfg Config) (*App, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = DefaultPublicURL
	}
	publicURL, err := ParsePublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = publicURL
	var boot *bootstrap.File
	if cfg.BootstrapFile != "" {
		// Read and validate before touching anything, so a bad file leaves
		// even a fresh data directory untouched.
		f, err := bootstrap.Load(cfg.BootstrapFile)
		if err != nil {
			return nil, err
		}
		boot = f
	}
	backend, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	inner := backend
	if cfg.wrapBackend != nil {
		inner = cfg.wrapBackend(backend)
	}
	guard := &writeGuard{Store: inner, log: log}
	c := cache.New(guard)
	a := &App{backend: backend, guard: guard, Store: c, cache: c, log: log}
	if cfg.Store == "postgres" {
		a.shared = a.newSharedView(cfg)
		// Confirm the view once before serving; Run keeps confirming it.
		if err := c.Refresh(ctx); err != nil {
			_ = backend.Close()
			return nil, err
		}
	}
	if err := a.init(ctx, cfg, boot, now, log); err != nil {
		_ = backend.Close()
		return nil, err
	}
	return a, nil
}

// newSharedView sets up the commit listener and the staleness bound of a
// node on a shared database.
func (a *App) newSharedView(cfg Config) *sharedView {
	maxStale := cfg.MaxStaleness
	if maxStale <= 0 {
		maxStale = DefaultMaxStaleness
	}
	v := &sharedView{poll: max(min(maxCacheRefreshInterval, maxStale/4), minCacheRefreshInterval), maxStale: maxStale}
	v.listener = &postgres.Listener{
		DSN:        cfg.PostgresDSN,
		RetryDelay: listenerRetry,
		Changed:    a.changed,
		Failed:     func(err error) { a.log.Warn("commit listener lost", "err", err) },
	}
	return v
}

func (a *App) init(ctx context.Context, cfg Config, boot *bootstrap.File, now func() time.Time, log *slog.Logger) error {
	// A full data disk fails the writes of a start (every Update commits
	// at least the generation bump), but STS and IAM reads need none: each
	// step below that fails only for want of space is skipped, and stsd
	// starts read-only (writeGuard logs that once) instead of not at all.
	if boot != nil {
		sum, err := bootstrap.Apply(ctx, a.Store, boot, now())
		switch {
		case errors.Is(err, errDiskFull):
			log.Error("bootstrap file not applied: the data disk is full; serving the state of the last start", "file", cfg.BootstrapFile)
		case err != nil:
			return fmt.Errorf("bootstrap %s: %w", cfg.BootstrapFile, err)
		default:
			a.Bootstrap = &sum
		}
	}
	created, err := ensureRootAccount(ctx, a.Store, cfg, boot != nil, now())
	switch {
	case errors.Is(err, errDiskFull):
		log.Error("root access key not checked or created: the data disk is full")
	case err != nil:
		return err
	}
	a.Created = created
	keys, err := tokenkeys.Open(ctx, a.Store, now, 0)
	if errors.Is(err, errDiskFull) {
		// The due rotation waits for space; the current keys still serve.
		keys, err = tokenkeys.Load(ctx, a.Store, now, 0)
	}
	if err != nil {
		return err
	}
	a.keys = keys
	a.messages = authmsg.New(keys.Ring, keys.ReloadForUnknownKey)
	a.uses = lastused.New(a.Store)
	authn := auth.New(a.Store, keys.Ring, sigv4.Options{
		// Real STS ignores X-Amz-Expires and honours a presigned URL for the
		// 15-minute skew window after X-Amz-Date (aws-iam-authenticator#258:
		// `aws eks get-token` signs with X-Amz-Expires=60 and the token is
		// used for 14 minutes).
		IgnorePresignExpires: true,
		Services:             []string{"sts", "iam"},
	}, a.authOptions(keys)...)
	policies := policy.NewCache(policyCacheSize)
	authorizer := authz.New(a.Store, policies)
	requestMetrics := metrics.New()
	// One cache of parsed signing keys serves STS (signing) and the public
	// endpoints (publishing), so each account's keys are parsed once.
	issuers := outbound.NewIssuers()
	var unavailable func(error) bool
	if a.shared != nil {
		unavailable = postgres.Unreachable
	}
	rp := &decider{authz: authorizer, policies: policies, messages: a.messages}
	srv, err := server.New(server.Config{
		Auth:        authn,
		Unavailable: unavailable,
		STS: sts.New(sts.Config{
			Store:    a.Store,
			Ring:     keys.Ring,
			Messages: a.messages,
			MFA:      mfa.NewVerifier(a.Store, now),
			Authz:    authorizer,
			Policies: policies,
			Now:      now,
			RoleUsed: a.uses.RoleUsed,

			SAMLAudiences: cfg.SAMLAudiences,
			SAMLRecipient: cfg.SAMLRecipient,

			PublicURL: cfg.PublicURL,
			Issuers:   issuers,
		}).Handlers(),
		IAM: iam.New(iam.Config{
			Store:     a.Store,
			Authz:     authorizer,
			Policies:  policies,
			Now:       now,
			PublicURL: cfg.PublicURL,
		}).Handlers(),
		Logger:               log,
		Now:                  now,
		DisabledRegions:      cfg.DisabledRegions,
		Probe:                readiness{a.guard, a},
		MaxBodyBytesInFlight: cfg.MaxBodyBytesInFlight,
		AllowedHosts:         cfg.AllowedHosts,
		Metrics:              requestMetrics,
		MetricsHandler:       requestMetrics.Handler(),
		Outbound:             outbound.NewEndpoints(a.Store, cfg.PublicURL, issuers),
		RelyingParty: relying.New(relying.Config{
			Callers: a.authenticator(keys, sigv4.Options{Services: []string{server.RelyingPartyService}}),
			// A forwarded request may be for any service; a presigned URL
			// expires after its X-Amz-Expires, as S3 and API Gateway
			// enforce it.
			Requests:    a.authenticator(keys, sigv4.Options{}),
			Decider:     rp,
			Now:         now,
			Unavailable: unavailable,
			Logger:      log,
		}),
	})
	if err != nil {
		return err
	}
	a.Handler = srv
	a.ExtAuthz = relying.NewExtAuthz(relying.ExtAuthzConfig{
		Requests:             a.authenticator(keys, sigv4.Options{Services: []string{relying.ExecuteAPIService}}),
		Decider:              rp,
		AllowUnsignedPayload: cfg.AuthzAllowUnsignedPayload,
		Now:                  now,
		Unavailable:          unavailable,
		Logger:               log,
		Metrics:              requestMetrics,
	})
	return nil
}

// authenticator is an Authenticator with the usual hooks for the
// relying-party surfaces, which verify other services' requests.
func (a *App) authenticator(keys *tokenkeys.Manager, opts sigv4.Options) *auth.Authenticator {
	return auth.New(a.Store, keys.Ring, opts, a.authOptions(keys)...)
}

// authOptions are the Authenticator's hooks: last-used notes, ring
// reloads and, on a shared database, the staleness refusal.
func (a *App) authOptions(keys *tokenkeys.Manager) []auth.Option {
	opts := []auth.Option{auth.WithKeyUse(a.uses.AccessKeyUsed), auth.WithRingReload(keys.ReloadForUnknownKey)}
	if a.shared != nil {
		opts = append(opts, auth.WithStaleness(a.stale))
	}
	return opts
}

// Close writes down the pending last-used facts and releases the store.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if a.uses != nil {
		if err := a.uses.Flush(ctx); err != nil {
			a.log.Warn("last-used flush at close failed", "err", err)
		}
	}
	return a.backend.Close()
}

func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("no data directory given")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var (
		sealer *seal.Sealer
		err    error
	)
	dbPath := filepath.Join(cfg.DataDir, "stsd.db")
	keyPath := filepath.Join(cfg.DataDir, "master.key")
	if cfg.MasterKey != "" {
		sealer, err = seal.FromEncoded(cfg.MasterKey)
	} else {
		// A store without its key file must not get a fresh key: its
		// secrets could never be opened, and the stray key would stand in
		// the way of restoring the real one.
		if exists(dbPath) && !exists(keyPath) {
			return nil, fmt.Errorf("%s exists but its master key %s is missing: restore the key file or set STSD_MASTER_KEY", dbPath, keyPath)
		}
		sealer, err = seal.LoadOrCreate(keyPath)
	}
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	switch cfg.Store {
	case "", "sqlite":
		return sqlite.Open(ctx, dbPath, sealer)
	case "postgres":
		if cfg.PostgresDSN == "" {
			return nil, errors.New("--store postgres needs a connection string: set --postgres-dsn or STSD_POSTGRES_DSN")
		}
		return postgres.Open(ctx, cfg.PostgresDSN, sealer)
	default:
		return nil, fmt.Errorf("unknown store %q: want sqlite or postgres", cfg.Store)
	}
}

// ParsePublicURL checks a public URL and returns it in the form issuer URLs
// are built from: an absolute http or https URL with a host, optionally a
// path (for stsd behind a reverse proxy that maps it to stsd's root), no
// credentials, query or fragment, and no trailing slash.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("public URL %q does not parse: %w", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("public URL %q: want an absolute http:// or https:// URL", s)
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("public URL %q: no host", s)
	case u.User != nil:
		// It would be published in every issuer URL and token.
		return "", fmt.Errorf("public URL %q: must not carry user information", s)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("public URL %q: must not have a query", s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("public URL %q: must not have a fragment", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u.String(), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ensureRootAccount creates the default account and its root key on a first
// start without a bootstrap file, or makes sure the operator-supplied root
// key exists. It returns the key when it created one.
func ensureRootAccount(ctx context.Context, st store.Store, cfg Config, bootstrapped bool, now time.Time) (*RootKey, error) {
	supplied := cfg.RootAccessKeyID != "" || cfg.RootSecretAccessKey != ""
	if supplied && (cfg.RootAccessKeyID == "" || cfg.RootSecretAccessKey == "") {
		return nil, errors.New("STSD_ROOT_ACCESS_KEY_ID and STSD_ROOT_SECRET_ACCESS_KEY must be set together")
	}
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	if !supplied && (len(accounts) > 0 || bootstrapped) {
		return nil, nil
	}
	key := RootKey{AccountID: DefaultAccountID, AccessKeyID: cfg.RootAccessKeyID, SecretAccessKey: cfg.RootSecretAccessKey, Supplied: supplied}
	if !supplied {
		if key.AccessKeyID, err = ids.NewAccessKeyID(ids.PrefixAccessKey, DefaultAccountID); err != nil {
			return nil, err
		}
		if key.SecretAccessKey, err = ids.NewSecretAccessKey(); err != nil {
			return nil, err
		}
	}
	var created bool
	err = st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetAccount(ctx, DefaultAccountID); errors.Is(err, store.ErrNotFound) {
			if err := tx.CreateAccount(ctx, store.Account{ID: DefaultAccountID, CreatedAt: now}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		existing, err := tx.GetAccessKey(ctx, key.AccessKeyID)
		switch {
		case err == nil:
			if existing.AccountID != DefaultAccountID || existing.UserName != "" || existing.Secret != key.SecretAccessKey {
				return fmt.Errorf("root access key %s already exists with another owner or secret", key.AccessKeyID)
			}
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		created = true
		return tx.CreateAccessKey(ctx, store.AccessKey{
			ID: key.AccessKeyID, Secret: key.SecretAccessKey, AccountID: DefaultAccountID,
			Status: store.AccessKeyActive, CreatedAt: now,
		})
	})
	if err != nil || !created {
		return nil, err
	}
	return &key, nil
}
