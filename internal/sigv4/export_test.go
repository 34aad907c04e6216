package sigv4

// CanonicalRequest returns the canonical request Parse built, which the
// tests compare with the AWS suite's.
func (r *Request) CanonicalRequest() string { return string(r.canonical) }

// StringToSign returns the string to sign Parse built.
func (r *Request) StringToSign() string {
	if len(r.signing) < hmacBlock {
		return ""
	}
	return string(r.signing[hmacBlock:])
}
