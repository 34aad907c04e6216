// Package bootstrap reads the operator's bootstrap file (YAML, format in
// design.md, "Bootstrap file") and applies it to the store at every start of
// `stsd serve --bootstrap FILE`.
//
// Parsing is strict on purpose: the file configures credentials and trust,
// so a typo in a field name or a value IAM would refuse must stop the start
// with a message that names the file, line, column and field, rather than
// silently leave an account half configured. Applying is idempotent and
// additive: it creates what is missing, updates what differs and deletes
// nothing, all in one store transaction.
package bootstrap
