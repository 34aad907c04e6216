package server

import (
	"net"
	"sync"
)

// DefaultMaxConnections is the connection limit cmd/stsd applies when the
// operator names none. With the header limit and net/http's buffers a
// connection holds at most about 80 KiB before its body is budgeted, so the
// default adds at most about 80 MiB to the body budget's ceiling.
const DefaultMaxConnections = 1024

// LimitListener returns a listener that has at most n connections open at
// once: Accept waits until a connection closes, leaving further clients in
// the kernel's accept queue instead of in stsd's memory.
func LimitListener(l net.Listener, n int) net.Listener {
	return &limitListener{Listener: l, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close closes the listener and wakes an Accept waiting for a slot.
func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// Close closes the connection and frees its slot once.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
