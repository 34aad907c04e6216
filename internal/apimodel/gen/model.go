package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// The raw botocore model, read with member order preserved: structure
// members are listed in model order in the generated tables, and that order
// decides the order of XML elements and of validation messages.

type rawModel struct {
	Metadata struct {
		APIVersion   string `json:"apiVersion"`
		ServiceID    string `json:"serviceId"`
		XMLNamespace string `json:"xmlNamespace"`
		Protocol     string `json:"protocol"`
	} `json:"metadata"`
	Operations map[string]rawOperation `json:"operations"`
	Shapes     map[string]*rawShape    `json:"shapes"`
}

type rawOperation struct {
	Name     string   `json:"name"`
	Input    *rawRef  `json:"input"`
	Output   *rawRef  `json:"output"`
	Errors   []rawRef `json:"errors"`
	AuthType string   `json:"authtype"`
	Auth     []string `json:"auth"`
}

// unsigned reports whether the model says the operation takes no
// signature (botocore's "authtype": "none", Smithy's noAuth).
func (o rawOperation) unsigned() bool {
	if o.AuthType == "none" {
		return true
	}
	return len(o.Auth) == 1 && o.Auth[0] == "smithy.api#noAuth"
}

type rawRef struct {
	Shape         string `json:"shape"`
	ResultWrapper string `json:"resultWrapper"`
	LocationName  string `json:"locationName"`
	Flattened     bool   `json:"flattened"`
}

type rawShape struct {
	Type      string         `json:"type"`
	Members   orderedMembers `json:"members"`
	Required  []string       `json:"required"`
	Member    *rawRef        `json:"member"`
	Key       *rawRef        `json:"key"`
	Value     *rawRef        `json:"value"`
	Flattened bool           `json:"flattened"`
	Min       *float64       `json:"min"`
	Max       *float64       `json:"max"`
	Pattern   string         `json:"pattern"`
	Enum      []string       `json:"enum"`
	Sensitive bool           `json:"sensitive"`
	Exception bool           `json:"exception"`
	Error     *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    bool   `json:"senderFault"`
	} `json:"error"`
}

type namedRef struct {
	Name string
	Ref  rawRef
}

// orderedMembers keeps the JSON object's key order, which encoding/json's
// maps would lose.
type orderedMembers []namedRef

func (o *orderedMembers) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("members: want object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return fmt.Errorf("members: want key")
		}
		var r rawRef
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*o = append(*o, namedRef{name, r})
	}
	_, err = dec.Token()
	return err
}

func loadModel(path string) (*rawModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m rawModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Metadata.Protocol != "query" {
		return nil, fmt.Errorf("%s: protocol %q, want query", path, m.Metadata.Protocol)
	}
	for name, s := range m.Shapes {
		if s == nil {
			return nil, fmt.Errorf("%s: shape %s is null", path, name)
		}
	}
	return &m, nil
}

// errorCode is the wire code of an exception shape: the model's error.code,
// or the shape name when the model gives none (as botocore does).
func errorCode(name string, s *rawShape) string {
	if s.Error != nil && s.Error.Code != "" {
		return s.Error.Code
	}
	return name
}
