package session

// validate checks the fields every session needs to be usable and safe to
// evaluate: who it is, which key and secret sign with it, and when it ends.
func (c *Claims) validate() error {
	if c == nil {
		return ErrInvalidClaims
	}
	switch {
	case !c.PrincipalType.Valid(),
		c.AccountID == "",
		c.AccessKeyID == "",
		c.SecretAccessKey == "",
		c.PrincipalARN == "",
		c.Expiration.IsZero(),
		c.ChainDepth < 0 || c.ChainDepth > maxChainDepth:
		return ErrInvalidClaims
	}
	return nil
}
