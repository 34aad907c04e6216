package iam

import (
	"encoding/base64"

	"github.com/stsd/stsd/internal/store"
)

// defaultMaxItems is IAM's page size when MaxItems is not given ("If you do
// not include this parameter, the number of items defaults to 100", IAM API
// reference, MaxItems); the model bounds MaxItems to 1..1000.
const defaultMaxItems = 100

// page turns Marker and MaxItems into a store page that fetches one extra
// item, so the caller can tell whether the listing is truncated. Markers
// are opaque to clients: the base64 of the last key returned.
func page(marker string, maxItems *int32) (store.Page, int, error) {
	limit := defaultMaxItems
	if maxItems != nil {
		limit = int(*maxItems)
	}
	var after string
	if marker != "" {
		b, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return store.Page{}, 0, invalidInput("Invalid Marker.")
		}
		after = string(b)
	}
	return store.Page{After: after, Limit: limit + 1}, limit, nil
}

// truncate cuts items to limit and returns IsTruncated and the Marker for
// the next page (key of the last item returned), as IAM's list operations
// answer.
func truncate[T any](items []T, limit int, key func(T) string) ([]T, *bool, string) {
	truncated := len(items) > limit
	if !truncated {
		f := false
		return items, &f, ""
	}
	items = items[:limit]
	t := true
	return items, &t, base64.RawURLEncoding.EncodeToString([]byte(key(items[len(items)-1])))
}

// storePage is one page of a listing the store pages itself: list is
// asked for the page Marker and MaxItems describe, and its answer is cut
// to MaxItems with IsTruncated and the next Marker (by key).
func storePage[T any](marker string, maxItems *int32, key func(T) string, list func(store.Page) ([]T, error)) ([]T, *bool, string, error) {
	p, limit, err := page(marker, maxItems)
	if err != nil {
		return nil, nil, "", err
	}
	items, err := list(p)
	if err != nil {
		return nil, nil, "", err
	}
	items, truncated, next := truncate(items, limit, key)
	return items, truncated, next, nil
}

// pageSlice pages an in-memory, already ordered list the same way, for
// listings the store does not page (keys, inline policies, attachments).
func pageSlice[T any](items []T, marker string, maxItems *int32, key func(T) string) ([]T, *bool, string, error) {
	p, limit, err := page(marker, maxItems)
	if err != nil {
		return nil, nil, "", err
	}
	start := 0
	if p.After != "" {
		for start < len(items) && key(items[start]) <= p.After {
			start++
		}
	}
	out, truncated, next := truncate(items[start:], limit, key)
	return out, truncated, next, nil
}
