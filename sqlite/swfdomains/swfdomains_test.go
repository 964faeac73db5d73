package swfdomains_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/sqlite"
	"github.com/flowy-go/flowy/sqlite/swfdomains"
	"github.com/flowy-go/flowy/swfserver"
)

func TestDomainsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	d, err := swfdomains.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := d.TokenKey()
	if err := d.RegisterDomain(ctx, swfserver.Domain{Name: "a", Description: "first", RetentionDays: 2}); err != nil {
		t.Fatal(err)
	}
	if err := d.RegisterDomain(ctx, swfserver.Domain{Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := d.RegisterDomain(ctx, swfserver.Domain{Name: "a"}); !errors.Is(err, swfserver.ErrDomainAlreadyExists) {
		t.Errorf("registering again: %v", err)
	}
	if err := d.DeprecateDomain(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := d.DeprecateDomain(ctx, "b"); !errors.Is(err, swfserver.ErrDomainDeprecated) {
		t.Errorf("deprecating again: %v", err)
	}
	eng, err := d.Engine("a")
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "x", Version: "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d, err = swfdomains.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !bytes.Equal(d.TokenKey(), key) {
		t.Error("the token key changed across a reopen")
	}
	all, err := d.ListDomains(ctx, "")
	if err != nil || len(all) != 2 || all[0] != (swfserver.Domain{Name: "a", Description: "first", RetentionDays: 2, Status: engine.TypeRegistered}) ||
		all[1].Status != engine.TypeDeprecated {
		t.Errorf("domains after reopen: %+v, %v", all, err)
	}
	if reg, _ := d.ListDomains(ctx, engine.TypeRegistered); len(reg) != 1 {
		t.Errorf("registered domains: %+v", reg)
	}
	eng, err = d.Engine("a")
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.RegisterActivityType(ctx, engine.ActivityTypeInfo{ActivityType: engine.ActivityType{Name: "x", Version: "1"}}); !errors.Is(err, engine.ErrTypeAlreadyExists) {
		t.Errorf("the activity type registered before the reopen: %v", err)
	}
	if _, err := d.Engine("nope"); !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("unknown domain: %v", err)
	}
	if _, err := d.DescribeDomain(ctx, "nope"); !errors.Is(err, engine.ErrUnknownResource) {
		t.Errorf("describing an unknown domain: %v", err)
	}
}
