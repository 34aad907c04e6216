package seal

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
)

// maxKeyFile bounds how much of a key file is read.
const maxKeyFile = 4096

// LoadOrCreate reads the master key from path, or creates the file with a
// new random key (mode 0600) when it does not exist. An existing file that
// group or others may access is refused: the key protects every stored
// secret, and silently using a leaked key would hide the leak.
func LoadOrCreate(path string) (*Sealer, error) {
	s, err := load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	text, err := Generate()
	if err != nil {
		return nil, err
	}
	// O_EXCL: when two processes race to create the key, one wins and the
	// other reads the winner's key rather than overwriting it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return load(path)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: creating master key file: %w", err)
	}
	if _, err := f.WriteString(text + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("seal: writing master key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("seal: writing master key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("seal: writing master key file: %w", err)
	}
	return FromEncoded(text)
}

func load(path string) (*Sealer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: master key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: master key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: master key file %s has mode %04o, which group or others can access; run chmod 600 on it (or rotate the key if it may have leaked)",
			path, info.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("seal: reading master key file: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("seal: master key file %s is larger than %d bytes", path, maxKeyFile)
	}
	s, err := FromEncoded(string(data))
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	return s, nil
}
