package core

import (
	"context"
	"errors"
)

// WatchNetlink reports link, addr or route changes (kind) inside the
// namespace named ns, or inside every namespace when ns is "" (including
// ones that appear later). When it returns, the subscriptions for the
// namespaces that exist are in place.
func (c Config) WatchNetlink(ctx context.Context, kind, ns string) (<-chan Event, error) {
	return nil, errors.New("netlink events: under construction")
}
