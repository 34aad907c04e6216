// Package apimodel holds the facts of the AWS STS and IAM service models
// (operations, shapes, constraints, error codes) as immutable Go tables, and
// its sub-packages stsapi and iamapi hold the typed request and response
// structs of every operation.
//
// Everything named *_gen.go is generated from the botocore models in the
// shared reference directory by `go generate ./internal/apimodel`; the models
// themselves are never copied into the repository, and no documentation prose
// from them is carried over. A test regenerates the files and fails on drift.
package apimodel

//go:generate go run ./gen
