package iam

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/policy"
)

// probeSim is the simulation of issue 10: 125 resource patterns of a star,
// 1,024 '?' and a '#', a 2,048-character resource ARN, n actions.
func probeSim(t *testing.T, n int) *simInput {
	t.Helper()
	doc := probePolicy()
	sims, err := parseInputs([]string{doc}, "PolicyInputList", policy.KindInlineUser)
	if err != nil {
		t.Fatal(err)
	}
	sim := &simInput{identity: sims, resources: []string{probeARN()}, principal: policy.Principal{Account: "111122223333"}, owner: "111122223333"}
	for i := 0; i < n; i++ {
		sim.actions = append(sim.actions, "s3:GetObject")
	}
	return sim
}

func probePolicy() string {
	pat := `"arn:aws:s3:::*` + strings.Repeat("?", 1024) + `#"`
	pats := make([]string, 125)
	for i := range pats {
		pats[i] = pat
	}
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":[` + strings.Join(pats, ",") + `]}}`
}

func probeARN() string {
	const prefix = "arn:aws:s3:::bucket/"
	return prefix + strings.Repeat("k", 2048-len(prefix))
}

func TestSimulationWorkBudget(t *testing.T) {
	// The probe's 40 actions are within the budget.
	if w := probeSim(t, 40).simulationWork(probeSim(t, 40).actions); w > maxSimulationWork {
		t.Errorf("probe of 40 actions: work %.0f over the budget", w)
	}
	// A page of 500 actions of it (the most ActionNames may hold) is not,
	// and is refused before any is evaluated.
	sim := probeSim(t, 500)
	all := int32(500)
	_, err := sim.run(context.Background(), "", &all)
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Code != codeInvalidInput || !strings.Contains(ae.Message, "Simulation is too large") {
		t.Fatalf("1,000 actions: err = %v", err)
	}
	// A page of them (MaxItems) is within it.
	items := int32(40)
	out, err := sim.run(context.Background(), "", &items)
	if err != nil || len(out.EvaluationResults) != 40 || out.IsTruncated == nil || !*out.IsTruncated {
		t.Fatalf("page of 40: %v, %+v", err, out)
	}
}

// TestSimulationStopsWithContext checks that a simulation whose client
// went away stops instead of evaluating the rest.
func TestSimulationStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := probeSim(t, 40).run(ctx, "", nil)
	if !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("canceled: %v, %+v", err, out)
	}
}

// TestSimulationTimeLimit checks the answer when the time limit, not the
// client, ends a simulation: InvalidInput, which SDKs do not retry.
func TestSimulationTimeLimit(t *testing.T) {
	ctx, cancel := context.WithTimeoutCause(context.Background(), 0, errSimulationTime)
	defer cancel()
	<-ctx.Done()
	_, err := probeSim(t, 1).evaluateAction(ctx, "s3:GetObject")
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Code != codeInvalidInput || !strings.Contains(ae.Message, "time limit") {
		t.Fatalf("err = %v", err)
	}
}
