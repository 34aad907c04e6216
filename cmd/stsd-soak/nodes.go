//go:build linux

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// node is one stsd process, restartable on the address it first bound.
type node struct {
	name   string
	bin    string
	env    []string
	dsn    string
	stale  time.Duration
	logDir string

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{}
	addr     string // host:port, fixed after the first start
	starts   int
	rssPeaks []int64 // VmHWM of each process that ended, in KiB
}

// start launches the process and waits until it logs that it listens.
func (n *node) start(ctx context.Context) error {
	n.mu.Lock()
	listen := n.addr
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	n.starts++
	logPath := filepath.Join(n.logDir, fmt.Sprintf("%s-%d.log", n.name, n.starts))
	n.mu.Unlock()
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, "serve", "--listen", listen, "--store", "postgres",
		"--postgres-dsn", n.dsn, "--max-staleness", n.stale.String(),
		"--data", filepath.Join(n.logDir, n.name+"-data"))
	cmd.Env = n.env
	// The kernel ends the node if the soak dies, whatever kills it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	listening := make(chan string, 1)
	go func() {
		// Copy the JSON log to a file; pick the endpoint out of the
		// "stsd listening" line.
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(append(line, '\n'))
			if sent {
				continue
			}
			var rec struct{ Msg, Endpoint string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "stsd listening" {
				listening <- strings.TrimPrefix(rec.Endpoint, "http://")
				sent = true
			}
		}
		io.Copy(io.Discard, stderr)
		logf.Close()
	}()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	n.mu.Lock()
	n.cmd, n.exited = cmd, exited
	n.mu.Unlock()
	select {
	case addr := <-listening:
		n.mu.Lock()
		n.addr = addr
		n.mu.Unlock()
		return nil
	case <-exited:
		return fmt.Errorf("node %s exited before listening; see %s", n.name, logPath)
	case <-time.After(60 * time.Second):
		n.kill()
		return fmt.Errorf("node %s did not listen within 60 s; see %s", n.name, logPath)
	case <-ctx.Done():
		n.kill()
		return ctx.Err()
	}
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (n *node) kill() { n.end(syscall.SIGKILL) }

// stop ends the process gracefully, or kills it after 10 s.
func (n *node) stop() { n.end(syscall.SIGTERM) }

func (n *node) end(sig syscall.Signal) {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	n.notePeak()
	cmd.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
}

// notePeak records the running process's peak RSS before it ends.
func (n *node) notePeak() {
	if _, hwm, err := n.memory(); err == nil {
		n.mu.Lock()
		n.rssPeaks = append(n.rssPeaks, hwm)
		n.mu.Unlock()
	}
}

// memory reads the running process's VmRSS and VmHWM (peak RSS), in KiB.
func (n *node) memory() (rss, hwm int64, err error) {
	n.mu.Lock()
	cmd := n.cmd
	n.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return 0, 0, errors.New("not running")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS (process gone?)")
	}
	return rss, hwm, nil
}

// endpoint is the node's base URL.
func (n *node) endpoint() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return "http://" + n.addr
}

// withHost returns the URL dsn with its host:port replaced.
func withHost(dsn, host string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Host = host
	return u.String(), nil
}

// withSchema returns the URL dsn with connections using schema.
func withSchema(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// loopbackHost checks that dsn names a loopback server and returns its
// host:port: the soak must not load or cut anything beyond this machine.
func loopbackHost(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("-dsn must be a postgres:// URL with a host: %q", dsn)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("-dsn host %q is not loopback; the soak runs on loopback only", host)
	}
	return net.JoinHostPort(host, port), nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// buildStsd compiles ./cmd/stsd of this module into dir.
func buildStsd(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "stsd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/stsd/stsd/cmd/stsd")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building stsd (run from the stsd module, or pass -stsd): %w", err)
	}
	return bin, nil
}
