//go:build linux

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// recoverWithin is how long a node may take to serve again after a cut
// ends or a restart, before the run calls it unrecovered.
const recoverWithin = 30 * time.Second

// deletedKeyOp names requests made with a deleted key: refusing them is
// the expected outcome, so their refusals are not errors.
const deletedKeyOp = "probe:GetCallerIdentity(deleted key)"

// revocations holds the measured delays from node A's DeleteAccessKey
// returning to node B's first refusal of the key.
type revocations struct {
	mu       sync.Mutex
	delays   []time.Duration // B connected throughout
	chaos    []time.Duration // a chaos window overlapped the measurement
	skipped  int
	late     []string // acceptances past the bound: invariant failures
	maxAccpt time.Duration
}

func (v *revocations) note(f func(v *revocations)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	f(v)
}

// revokeLoop measures revocation until ctx ends: make a key through A,
// use it on B (so B has it cached), delete it through A, then ask B with
// it until B refuses. An acceptance by B later than the bound after the
// delete returned is an invariant failure.
func (r *soakRun) revokeLoop(ctx context.Context, f fixture, v *revocations, bound time.Duration) {
	const user = "revoke"
	var pending []string // keys whose delete has not succeeded yet
	for ctx.Err() == nil {
		for len(pending) > 0 && ctx.Err() == nil {
			code, _ := r.deleteKey(ctx, r.a, "probe:DeleteAccessKey", f.worker, user, pending[0])
			if code == "" || code == "NoSuchEntity" {
				pending = pending[1:]
			} else {
				time.Sleep(100 * time.Millisecond)
			}
		}
		key, code, _ := r.createKey(ctx, r.a, "probe:CreateAccessKey", f.worker, user)
		if code != "" {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		pending = append(pending, key.id)
		start := time.Now()
		warm := false
		for ctx.Err() == nil && time.Since(start) < 10*time.Second {
			if code, _ := r.gci(ctx, r.b, "probe:GetCallerIdentity", key); code == "" {
				warm = true
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !warm {
			v.note(func(v *revocations) { v.skipped++ })
			continue
		}
		if code, _ := r.deleteKey(ctx, r.a, "probe:DeleteAccessKey", f.worker, user, key.id); code != "" {
			// A is down: the key stays pending, no sample.
			v.note(func(v *revocations) { v.skipped++ })
			continue
		}
		pending = pending[:len(pending)-1]
		deleted := time.Now()
		d, ok := r.pollRefused(ctx, key, deleted, bound, v)
		if !ok {
			continue
		}
		chaotic := r.windows.overlaps(deleted, deleted.Add(d))
		v.note(func(v *revocations) {
			if chaotic {
				v.chaos = append(v.chaos, d)
			} else {
				v.delays = append(v.delays, d)
			}
		})
	}
}

// pollRefused asks node B with a deleted key until B refuses it
// (InvalidClientTokenId, or ServiceUnavailable while B cannot confirm its
// view) and returns how long after deleted that was. Every acceptance is
// checked against the bound.
func (r *soakRun) pollRefused(ctx context.Context, key creds, deleted time.Time, bound time.Duration, v *revocations) (time.Duration, bool) {
	for ctx.Err() == nil {
		sent := time.Now()
		code, _ := r.gci(ctx, r.b, deletedKeyOp, key)
		switch {
		case code == "":
			// Accepted: the request started at sent, so B accepted the key
			// at least sent−deleted after the delete committed.
			after := sent.Sub(deleted)
			v.note(func(v *revocations) {
				v.maxAccpt = max(v.maxAccpt, after)
				if after > bound {
					v.late = append(v.late, fmt.Sprintf("key %s accepted by node B %s after its delete returned (bound %s)", key.id, after.Round(time.Millisecond), bound))
				}
			})
		case code == "InvalidClientTokenId" || isServiceUnavailable(code):
			return time.Since(deleted), true
		default:
			time.Sleep(20 * time.Millisecond)
		}
		if time.Since(deleted) > 2*recoverWithin {
			v.note(func(v *revocations) {
				v.late = append(v.late, fmt.Sprintf("key %s: node B neither refused nor stopped answering %s after its delete", key.id, 2*recoverWithin))
			})
			return 0, false
		}
	}
	return 0, false
}

// event is one chaos action and what it found.
type event struct {
	what      string
	at        time.Duration // since the load started
	notes     []string
	recovered bool
	took      time.Duration // to recovery, from what tookFrom names
	tookFrom  string
}

// cutB cuts node B off from the database for cutFor. Just before, it gives
// B a key to cache and deletes the key through A as the cut starts, then
// watches B: it may accept the key for at most the bound, then must refuse
// it; once the cut ends B must come back and refuse it as deleted.
func (r *soakRun) cutB(ctx context.Context, f fixture, cutFor, bound time.Duration, v *revocations) event {
	ev := event{what: fmt.Sprintf("cut node B's database connection for %s", cutFor), tookFrom: "the cut ended"}
	const user = "cutprobe"
	key, code, err := r.createKey(ctx, r.a, "probe:CreateAccessKey", f.worker, user)
	if code != "" {
		ev.notes = append(ev.notes, "no probe key (CreateAccessKey on A: "+shortErr(err)+")")
	} else if code, err := r.gci(ctx, r.b, "probe:GetCallerIdentity", key); code != "" {
		ev.notes = append(ev.notes, "probe key not usable on B before the cut: "+shortErr(err))
		key = creds{}
	}
	r.windows.begin()
	defer r.windows.end()
	r.proxy.SetCut(true)
	cutAt := time.Now()
	if key.id != "" {
		if code, err := r.deleteKey(ctx, r.a, "probe:DeleteAccessKey", f.worker, user, key.id); code != "" {
			ev.notes = append(ev.notes, "deleting the probe key on A failed: "+shortErr(err))
			key = creds{}
		}
	}
	deleted := time.Now()
	var lastAccept time.Duration = -1
	refusedWith := ""
	for time.Since(cutAt) < cutFor && ctx.Err() == nil {
		if key.id != "" && refusedWith == "" {
			sent := time.Now()
			code, _ := r.gci(ctx, r.b, deletedKeyOp, key)
			if code == "" {
				lastAccept = sent.Sub(deleted)
				v.note(func(v *revocations) { v.maxAccpt = max(v.maxAccpt, lastAccept) })
				if lastAccept > bound {
					v.note(func(v *revocations) {
						v.late = append(v.late, fmt.Sprintf("during a cut, key %s accepted by node B %s after its delete (bound %s)", key.id, lastAccept.Round(time.Millisecond), bound))
					})
				}
			} else if code == "InvalidClientTokenId" || isServiceUnavailable(code) {
				refusedWith = fmt.Sprintf("%s %s after the delete", code, time.Since(deleted).Round(time.Millisecond))
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if key.id != "" {
		if lastAccept >= 0 {
			ev.notes = append(ev.notes, fmt.Sprintf("deleted key last accepted by cut-off B %s after the delete", lastAccept.Round(time.Millisecond)))
		} else {
			ev.notes = append(ev.notes, "deleted key never accepted by cut-off B")
		}
		if refusedWith != "" {
			ev.notes = append(ev.notes, "B refused it with "+refusedWith)
		} else {
			ev.notes = append(ev.notes, "B did not refuse it during the cut")
		}
	}
	r.proxy.SetCut(false)
	restored := time.Now()
	// Recovered: B refuses the deleted key as deleted (its view is current
	// again) and serves the load user's key and IAM.
	for time.Since(restored) < recoverWithin && ctx.Err() == nil {
		ok := true
		if key.id != "" {
			code, _ := r.gci(ctx, r.b, deletedKeyOp, key)
			ok = code == "InvalidClientTokenId"
		}
		if ok {
			code, _ := r.gci(ctx, r.b, "probe:GetCallerIdentity", f.worker)
			ok = code == ""
		}
		if ok {
			code, _ := r.call(ctx, r.b, "probe:ListAccessKeys", func(ctx context.Context) error {
				_, err := r.iamAt(r.b, f.worker).ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
				return err
			})
			ok = code == ""
		}
		if ok {
			ev.recovered, ev.took = true, time.Since(restored)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ev
}

// killA kills node A with SIGKILL, restarts it on the same address and
// waits until it serves STS and IAM again.
func (r *soakRun) killA(ctx context.Context, f fixture) event {
	ev := event{what: "kill -9 node A and restart it on the same port", tookFrom: "the kill"}
	r.windows.begin()
	defer r.windows.end()
	r.a.kill()
	down := time.Now()
	if err := r.a.start(ctx); err != nil {
		ev.notes = append(ev.notes, "restart failed: "+shortErr(err))
		return ev
	}
	ev.notes = append(ev.notes, fmt.Sprintf("listening again %s after the kill", time.Since(down).Round(time.Millisecond)))
	for time.Since(down) < recoverWithin && ctx.Err() == nil {
		code, _ := r.gci(ctx, r.a, "probe:GetCallerIdentity", f.worker)
		if code == "" {
			code, _ = r.call(ctx, r.a, "probe:ListAccessKeys", func(ctx context.Context) error {
				_, err := r.iamAt(r.a, f.worker).ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("cutprobe")})
				return err
			})
		}
		if code == "" {
			ev.recovered, ev.took = true, time.Since(down)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ev
}
