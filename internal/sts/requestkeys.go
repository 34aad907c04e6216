package sts

import (
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/authz"
)

// requestKeys are the keys an STS operation adds to a request's context,
// set in order after the global keys (a key set twice keeps its last
// values).
type requestKeys []authz.Key

// set sets key to values.
func (k *requestKeys) set(key string, values ...string) {
	*k = append(*k, authz.Key{Name: key, Values: values})
}

// setList sets key to values as a list-typed key, which only the set
// operators compare (policy.Context.SetList).
func (k *requestKeys) setList(key string, values ...string) {
	*k = append(*k, authz.Key{Name: key, Values: values, List: true})
}

// setRequestTags puts the session tags of a request into its context as
// aws:RequestTag/KEY and the multivalued aws:TagKeys (IAM User Guide,
// id_session-tags.html, "Controlling access to session tags").
func setRequestTags(k *requestKeys, tags []stsapi.Tag) {
	if len(tags) == 0 {
		return
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		k.set("aws:RequestTag/"+t.Key, t.Value)
		keys = append(keys, t.Key)
	}
	k.set("aws:TagKeys", keys...)
}
