package core

import (
	"os"
	"path/filepath"

	"github.com/nssh/nssh/core/nsexec"
)

// Config names the directories nssh works in. The zero value is not useful;
// start from DefaultConfig.
type Config struct {
	RunDir   string // named namespaces, one nsfs bind mount per name (ip: /run/netns)
	EtcDir   string // per-namespace files bound over /etc by exec (ip: /etc/netns)
	StateDir string // nssh's own state, such as lab records (never inside RunDir)

	// Warn receives warnings that do not stop an operation, in ip's words
	// (a failed flock, a failed /etc/netns bind in exec). nil discards them.
	Warn func(text string)
}

func (c Config) warn(text string) {
	if c.Warn != nil {
		c.Warn(text)
	}
}

// Default directories, the values Debian's iproute2 6.1 is compiled with.
const (
	DefaultRunDir   = nsexec.DefaultRunDir
	DefaultEtcDir   = nsexec.DefaultEtcDir
	DefaultStateDir = nsexec.DefaultStateDir
)

// DefaultConfig returns the default directories, overridden by the
// environment variables NSSH_RUN_DIR, NSSH_ETC_DIR and NSSH_STATE_DIR.
func DefaultConfig() Config {
	return Config{
		RunDir:   envOr("NSSH_RUN_DIR", DefaultRunDir),
		EtcDir:   envOr("NSSH_ETC_DIR", DefaultEtcDir),
		StateDir: envOr("NSSH_STATE_DIR", DefaultStateDir),
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Path returns the file of the named namespace: RunDir/NAME.
func (c Config) Path(name string) string {
	return filepath.Join(c.RunDir, name)
}

// rawPath joins like ip does (plain concatenation with "/"), which matters
// for messages: ip prints "/run/netns/NAME" verbatim.
func (c Config) rawPath(name string) string {
	return c.RunDir + "/" + name
}
