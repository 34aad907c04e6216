package session

// RoleChained reports whether the session was assumed with the credentials
// of another role session.
func (c *Claims) RoleChained() bool { return c.ChainDepth > 0 }
