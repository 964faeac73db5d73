package flowy

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
)

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sortValues sorts map keys of any type by their printed form, so walks over
// maps are deterministic.
func sortValues(vs []reflect.Value) {
	slices.SortFunc(vs, func(a, b reflect.Value) int {
		return cmp.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
	})
}
