//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// tallyKey is one counted outcome.
type tallyKey struct {
	node, op, code string
	status         int
	inChaos        bool
}

// tally counts requests by node, operation and outcome.
type tally struct {
	mu sync.Mutex
	n  map[tallyKey]int
}

func newTally() *tally { return &tally{n: map[tallyKey]int{}} }

func (t *tally) add(node, op, code string, status int, inChaos bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n[tallyKey{node, op, code, status, inChaos}]++
}

func (t *tally) snapshot() map[tallyKey]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[tallyKey]int, len(t.n))
	for k, v := range t.n {
		out[k] = v
	}
	return out
}

// memSample is a node's memory at one moment, in KiB.
type memSample struct{ rss, hwm int64 }

// report is everything the run prints.
type report struct {
	o            options
	elapsed      time.Duration
	counts       map[tallyKey]int
	rev          *revocations
	events       []event
	skipped      []string
	before       map[string]memSample
	after        map[string]memSample
	peakSampled  map[string]int64
	peakHWM      map[string]int64
	finalHealthy map[string]string // node → "" or why not
	bound        time.Duration
	failures     []string
}

// soak sets up, runs load, revocation probes and chaos for the duration,
// and gathers the report.
func (r *soakRun) soak(ctx context.Context) (*report, error) {
	f, err := r.setup(ctx)
	if err != nil {
		return nil, err
	}
	// A deleted key may be accepted for --max-staleness after the delete
	// (the node's last confirmation can be just before it); the margin
	// absorbs timer and scheduling slack on a loaded machine.
	bound := r.o.maxStale + r.o.maxStale/4 + 250*time.Millisecond
	rep := &report{o: r.o, rev: &revocations{}, bound: bound,
		before: map[string]memSample{}, after: map[string]memSample{},
		peakSampled: map[string]int64{}, peakHWM: map[string]int64{}, finalHealthy: map[string]string{}}
	time.Sleep(time.Second) // let start-up settle before the baseline
	for _, n := range []*node{r.a, r.b} {
		rss, hwm, _ := n.memory()
		rep.before[n.name] = memSample{rss, hwm}
	}

	loadCtx, stopLoad := context.WithTimeout(ctx, r.o.duration)
	defer stopLoad()
	began := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < r.o.workers; w++ {
		wg.Go(func() { r.worker(loadCtx, w, f) })
	}
	wg.Go(func() { r.revokeLoop(loadCtx, f, rep.rev, bound) })
	var peakMu sync.Mutex
	wg.Go(func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-loadCtx.Done():
				return
			case <-t.C:
			}
			for _, n := range []*node{r.a, r.b} {
				if rss, _, err := n.memory(); err == nil {
					peakMu.Lock()
					rep.peakSampled[n.name] = max(rep.peakSampled[n.name], rss)
					peakMu.Unlock()
				}
			}
		}
	})

	// The chaos schedule: spread over the run, each event waiting for the
	// previous one's recovery; an event that could not finish before the
	// load ends is left out (and reported).
	cutFor := r.o.maxStale + 3*time.Second
	schedule := []struct {
		at   float64
		kind string
	}{{0.15, "cut"}, {0.40, "kill"}, {0.60, "cut"}, {0.80, "cut"}}
	for _, s := range schedule {
		at := time.Duration(float64(r.o.duration) * s.at)
		if wait := time.Until(began.Add(at)); wait > 0 {
			select {
			case <-loadCtx.Done():
			case <-time.After(wait):
			}
		}
		need := 5 * time.Second
		if s.kind == "cut" {
			need += cutFor
		}
		if loadCtx.Err() != nil || time.Until(began.Add(r.o.duration)) < need {
			rep.skipped = append(rep.skipped, fmt.Sprintf("%s at %.0f%%: not enough of the run left", s.kind, 100*s.at))
			continue
		}
		var ev event
		startedAt := time.Since(began)
		if s.kind == "cut" {
			ev = r.cutB(loadCtx, f, cutFor, bound, rep.rev)
		} else {
			ev = r.killA(loadCtx, f)
		}
		ev.at = startedAt
		rep.events = append(rep.events, ev)
	}
	<-loadCtx.Done()
	wg.Wait()
	rep.elapsed = time.Since(began)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted after %s", rep.elapsed.Round(time.Second))
	}

	// Both nodes must serve at the end, whatever happened during the run.
	root := creds{id: r.rootID, secret: r.rootSK}
	for _, n := range []*node{r.a, r.b} {
		if code, err := r.gci(ctx, n, "final:GetCallerIdentity", root); code != "" {
			rep.finalHealthy[n.name] = shortErr(err)
		} else {
			rep.finalHealthy[n.name] = ""
		}
		rss, hwm, _ := n.memory()
		rep.after[n.name] = memSample{rss, hwm}
		n.notePeak()
		n.mu.Lock()
		for _, p := range n.rssPeaks {
			rep.peakHWM[n.name] = max(rep.peakHWM[n.name], p)
		}
		n.mu.Unlock()
	}
	rep.counts = r.tally.snapshot()
	rep.judge()
	return rep, nil
}

// judge fills in the failed invariants.
func (rep *report) judge() {
	fail := func(format string, a ...any) { rep.failures = append(rep.failures, fmt.Sprintf(format, a...)) }
	for _, l := range rep.rev.late {
		fail("revocation: %s", l)
	}
	if len(rep.rev.delays)+len(rep.rev.chaos) == 0 {
		fail("revocation: no delay measured")
	}
	for k, v := range rep.counts {
		if k.inChaos {
			continue
		}
		if k.status >= 500 {
			fail("%d × %s %s → %s (HTTP %d) outside chaos windows", v, k.node, k.op, k.code, k.status)
		}
		if k.code == "transport" {
			fail("%d × %s %s → transport error outside chaos windows", v, k.node, k.op)
		}
		if k.code != "" && k.status < 500 && k.op != deletedKeyOp {
			fail("%d × %s %s → %s (HTTP %d) outside chaos windows, unexpected", v, k.node, k.op, k.code, k.status)
		}
	}
	for _, ev := range rep.events {
		if !ev.recovered {
			fail("%q at %s: no recovery within %s", ev.what, ev.at.Round(time.Second), recoverWithin)
		}
	}
	for _, name := range []string{"A", "B"} {
		if why := rep.finalHealthy[name]; why != "" {
			fail("node %s does not serve at the end: %s", name, why)
		}
	}
}

func (rep *report) passed() bool { return len(rep.failures) == 0 }

// percentile is the nearest-rank percentile p (0–100) of sorted ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds))*p/100+0.999999) - 1
	return ds[max(0, min(i, len(ds)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// print writes the report as plain text.
func (rep *report) print(w io.Writer) {
	fmt.Fprintf(w, "stsd soak: 2 nodes on PostgreSQL, %d workers, --max-staleness %s, load for %s (asked %s)\n\n",
		rep.o.workers, rep.o.maxStale, rep.elapsed.Round(time.Millisecond), rep.o.duration)

	total, inChaos, errs := 0, 0, 0
	byOp := map[[2]string]int{}
	byCode := map[string][2]int{} // code → outside, inside chaos
	refusals := map[string]int{}  // deleted-key outcomes
	var serverErrs []string
	for k, v := range rep.counts {
		total += v
		if k.inChaos {
			inChaos += v
		}
		byOp[[2]string{k.node, k.op}] += v
		if k.op == deletedKeyOp {
			c := k.code
			if c == "" {
				c = "accepted"
			}
			refusals[c] += v
			continue
		}
		if k.status >= 500 || k.code == "transport" {
			where := "outside"
			if k.inChaos {
				where = "inside"
			}
			serverErrs = append(serverErrs, fmt.Sprintf("  node %s %-38s %-28s %6d  (%s chaos windows)", k.node, k.op, fmt.Sprintf("%s/%d", k.code, k.status), v, where))
		}
		if k.code != "" {
			errs += v
			label := k.code
			if k.status != 0 {
				label = fmt.Sprintf("%s (HTTP %d)", k.code, k.status)
			}
			c := byCode[label]
			if k.inChaos {
				c[1] += v
			} else {
				c[0] += v
			}
			byCode[label] = c
		}
	}
	fmt.Fprintf(w, "requests: %d total (%.0f/s), %d during chaos windows, %d errors\n", total, float64(total)/rep.elapsed.Seconds(), inChaos, errs)
	ops := make([][2]string, 0, len(byOp))
	for k := range byOp {
		ops = append(ops, k)
	}
	slices.SortFunc(ops, func(a, b [2]string) int { return strings.Compare(a[0]+" "+a[1], b[0]+" "+b[1]) })
	for _, k := range ops {
		fmt.Fprintf(w, "  node %s %-38s %8d\n", k[0], k[1], byOp[k])
	}
	fmt.Fprintln(w, "errors by code:            outside chaos   inside chaos")
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, c := range codes {
		fmt.Fprintf(w, "  %-28s %10d %14d\n", c, byCode[c][0], byCode[c][1])
	}

	sort.Strings(serverErrs)
	if len(serverErrs) > 0 {
		fmt.Fprintln(w, "5xx and transport errors by node and operation:")
		for _, l := range serverErrs {
			fmt.Fprintln(w, l)
		}
	}
	outcomes := make([]string, 0, len(refusals))
	for c, v := range refusals {
		outcomes = append(outcomes, fmt.Sprintf("%s %d", c, v))
	}
	sort.Strings(outcomes)
	fmt.Fprintf(w, "requests with a deleted key (not errors when refused): %s\n", strings.Join(outcomes, ", "))

	fmt.Fprintln(w)
	rev := rep.rev
	slices.Sort(rev.delays)
	slices.Sort(rev.chaos)
	fmt.Fprintf(w, "revocation delay (A's DeleteAccessKey returned → B refuses the key), outside chaos windows: n=%d p50 %s p99 %s max %s\n",
		len(rev.delays), ms(percentile(rev.delays, 50)), ms(percentile(rev.delays, 99)), ms(percentile(rev.delays, 100)))
	fmt.Fprintf(w, "revocation delay overlapping chaos windows: n=%d p50 %s p99 %s max %s\n",
		len(rev.chaos), ms(percentile(rev.chaos, 50)), ms(percentile(rev.chaos, 99)), ms(percentile(rev.chaos, 100)))
	fmt.Fprintf(w, "longest a deleted key was still accepted: %s (bound checked: %s); probes skipped (B or A unavailable): %d\n",
		ms(rev.maxAccpt), rep.bound, rev.skipped)

	fmt.Fprintln(w, "\nchaos:")
	for _, ev := range rep.events {
		state := "recovered " + ev.took.Round(time.Millisecond).String() + " after " + ev.tookFrom
		if !ev.recovered {
			state = "NOT recovered"
		}
		fmt.Fprintf(w, "  at %6s: %s: %s\n", ev.at.Round(100*time.Millisecond), ev.what, state)
		for _, n := range ev.notes {
			fmt.Fprintf(w, "             %s\n", n)
		}
	}
	for _, s := range rep.skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}

	fmt.Fprintln(w, "\nmemory (VmRSS; peak = highest VmHWM of the node's processes, sampled = highest VmRSS seen every 0.5 s):")
	for _, name := range []string{"A", "B"} {
		fmt.Fprintf(w, "  node %s: before %s, after %s, peak %s, sampled peak %s\n", name,
			mib(rep.before[name].rss), mib(rep.after[name].rss), mib(rep.peakHWM[name]), mib(rep.peakSampled[name]))
	}
	fmt.Fprintln(w, "  (node A's \"after\" is its restarted process)")

	fmt.Fprintln(w, "\ninvariants:")
	check := func(ok bool, what string) {
		verdict := "PASS"
		if !ok {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n", verdict, what)
	}
	has := func(prefix string) bool {
		return slices.ContainsFunc(rep.failures, func(s string) bool { return strings.Contains(s, prefix) })
	}
	check(!has("revocation:"), fmt.Sprintf("no deleted key accepted more than %s after its delete", rep.bound))
	check(!has("outside chaos windows"), "no 5xx, no transport errors and no other errors outside declared chaos windows")
	check(!has("no recovery") && !has("does not serve at the end"), "nodes recover after every cut and kill, and serve at the end")
	for _, f := range rep.failures {
		fmt.Fprintf(w, "  - %s\n", f)
	}
	if rep.passed() {
		fmt.Fprintln(w, "\nRESULT: PASS")
	} else {
		fmt.Fprintln(w, "\nRESULT: FAIL")
	}
}
