package outbound

import "time"

// Token lifetimes GetWebIdentityToken allows (STS model,
// webIdentityTokenDurationSecondsType: 60 to 3600 seconds). The request
// layer enforces them from the model; the tests build claims at both ends.
const (
	MinDuration = 60 * time.Second
	MaxDuration = time.Hour
)
