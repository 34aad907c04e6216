package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// nodeKind is the JSON type of a node.
type nodeKind uint8

const (
	nodeString nodeKind = iota
	nodeNumber
	nodeBool
	nodeNull
	nodeArray
	nodeObject
)

// node is one JSON value. Objects keep their members in document order so
// validation reports the first offending element the way a reader sees it,
// and so that duplicate member names are visible instead of silently
// collapsed as encoding/json does.
type node struct {
	kind nodeKind
	str  string // string, number or bool text
	arr  []node
	obj  []member
}

type member struct {
	key string
	val node
}

// get returns the member named key (exact, case-sensitive: IAM element names
// are case-sensitive).
func (n *node) get(key string) (*node, bool) {
	for i := range n.obj {
		if n.obj[i].key == key {
			return &n.obj[i].val, true
		}
	}
	return nil, false
}

// maxDepth bounds nesting; a valid policy never nests deeper than 5.
const maxDepth = 32

var (
	errDuplicateKey = errors.New("duplicate key")
	errTooDeep      = errors.New("too deep")
	errTrailing     = errors.New("trailing data")
)

// parseJSON decodes doc into a node tree. It rejects duplicate member names
// in any object, nesting deeper than maxDepth and anything after the value.
func parseJSON(doc string) (node, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.UseNumber()
	n, err := decodeValue(dec, 0)
	if err != nil {
		return node{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return node{}, errTrailing
	}
	return n, nil
}

func decodeValue(dec *json.Decoder, depth int) (node, error) {
	if depth > maxDepth {
		return node{}, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}
	switch t := tok.(type) {
	case string:
		return node{kind: nodeString, str: t}, nil
	case json.Number:
		return node{kind: nodeNumber, str: t.String()}, nil
	case bool:
		if t {
			return node{kind: nodeBool, str: "true"}, nil
		}
		return node{kind: nodeBool, str: "false"}, nil
	case nil:
		return node{kind: nodeNull}, nil
	case json.Delim:
		switch t {
		case '[':
			n := node{kind: nodeArray}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return node{}, err
				}
				n.arr = append(n.arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return node{}, err
			}
			return n, nil
		case '{':
			n := node{kind: nodeObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return node{}, err
				}
				key, ok := kt.(string)
				if !ok {
					return node{}, errors.New("object key is not a string")
				}
				for i := range n.obj {
					if n.obj[i].key == key {
						return node{}, errDuplicateKey
					}
				}
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return node{}, err
				}
				n.obj = append(n.obj, member{key: key, val: v})
			}
			if _, err := dec.Token(); err != nil {
				return node{}, err
			}
			return n, nil
		}
	}
	return node{}, errors.New("unexpected token")
}
