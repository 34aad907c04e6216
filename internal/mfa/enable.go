package mfa

import "time"

// ConsecutiveWindow bounds how far from now the two codes of
// EnableMFADevice and ResyncMFADevice may lie: both codes' steps must be
// within ConsecutiveWindow steps (5 minutes) of the current step. AWS
// documents no figure; it only warns that codes submitted "too long" after
// generation leave the device out of sync (IAM API Reference,
// EnableMFADevice), so it accepts some staleness. Ten steps tolerates a
// slow user and a clock a few minutes off while keeping a guesser's odds at
// about 20 in 10^12 per attempt.
const ConsecutiveWindow = 10

// ConsecutiveStep looks for a step s near now with code1 = CodeAt(seed, s)
// and code2 = CodeAt(seed, s+1), and returns s+1: the step the caller stores
// as the device's LastUsedStep, so neither code verifies again. If several
// steps qualify (a one-in-a-trillion collision) the latest wins, as it
// best reflects the device's clock.
//
// A caller resyncing an enabled device should also refuse a step not later
// than the device's current LastUsedStep, as Verify does, so resync cannot
// replay codes that were already accepted.
func ConsecutiveStep(seed []byte, code1, code2 string, now time.Time) (step int64, ok bool) {
	if !wellFormed(code1) || !wellFormed(code2) || len(seed) == 0 {
		return 0, false
	}
	cur := StepOf(now)
	// s and s+1 must both lie in [cur-W, cur+W]. Every candidate is
	// checked so timing does not reveal where a partial match was.
	for s := cur - ConsecutiveWindow; s < cur+ConsecutiveWindow; s++ {
		m1 := codeMatches(seed, s, code1)
		m2 := codeMatches(seed, s+1, code2)
		if m1 && m2 {
			step, ok = s+1, true
		}
	}
	return step, ok
}
