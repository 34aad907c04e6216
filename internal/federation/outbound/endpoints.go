package outbound

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/store"
)

// maxPathBytes bounds the paths the endpoints look at: the longest one
// served, PathPrefix + a 36-character issuer id + DiscoveryPath, is 79
// bytes, so anything longer is refused before it is parsed.
const maxPathBytes = 128

// cacheControl lets verifiers and proxies keep a document for five minutes
// (stsd's choice: AWS's caching headers are not documented). A new key
// comes with a new kid, which makes a verifier refetch the key set at
// once; the limit bounds how long a stale document lingers otherwise, e.g.
// after the public URL changes.
const cacheControl = "public, max-age=300"

// NewEndpoints returns the public, unauthenticated handler of every
// account's issuer metadata: GET (or HEAD) PathPrefix + issuerID +
// DiscoveryPath serves the OpenID Provider configuration and PathPrefix +
// issuerID + JWKSPath the key set, both as application/json. Issuer URLs
// are built from publicURL, the base URL verifiers reach stsd at; issuers
// caches the parsed keys and must not be nil.
//
// The documents stay served while the account's feature is disabled:
// Disable "does not affect tokens that were issued before the feature was
// disabled" (IAM API Reference, DisableOutboundWebIdentityFederation), so
// their verifiers still need the keys. Unknown issuer ids and other paths
// get 404, other methods 405.
func NewEndpoints(st store.Reader, publicURL string, issuers *Issuers) http.Handler {
	return &endpoints{store: st, publicURL: publicURL, issuers: issuers}
}

type endpoints struct {
	store     store.Reader
	publicURL string
	issuers   *Issuers
}

func (e *endpoints) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	issuerID, doc, ok := splitPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	f, err := e.store.GetOutboundFederationByIssuer(r.Context(), issuerID)
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		// The cause is not shown to an anonymous client.
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	iss, err := e.issuers.Get(IssuerURL(e.publicURL, issuerID), issuerID, f.RSAKey, f.ECKey)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	body := iss.JWKS()
	if doc == DiscoveryPath {
		body = iss.Discovery()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", cacheControl)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// splitPath reads PathPrefix + issuerID + (DiscoveryPath or JWKSPath). The
// id must have the form NewIssuerID gives, so nothing else reaches the
// store.
func splitPath(path string) (issuerID, doc string, ok bool) {
	if len(path) > maxPathBytes {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(path, PathPrefix)
	if !ok {
		return "", "", false
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "", "", false
	}
	issuerID, doc = rest[:i], rest[i:]
	if !ValidIssuerID(issuerID) || (doc != DiscoveryPath && doc != JWKSPath) {
		return "", "", false
	}
	return issuerID, doc, true
}
