// Package stsapi holds the typed request and response structs of the AWS
// STS operations, generated from the service model. Handlers fill the
// response structs; the awsquery package decodes requests into the request
// structs and writes responses through their AppendQueryXML methods.
package stsapi
