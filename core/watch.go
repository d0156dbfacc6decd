package core

import (
	"context"
	"errors"
)

// Watch reports namespaces appearing in and leaving the run dir.
//
// Equivalent to: `ip netns monitor`
func (c Config) Watch(ctx context.Context) (<-chan Event, error) {
	return nil, errors.New("watch: under construction")
}
