package cutproxy

import (
	"bufio"
	"net"
	"testing"
)

// echo serves one line back on every connection until the listener closes.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err == nil {
					c.Write([]byte(line))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err
	}
	_, err = bufio.NewReader(c).ReadString('\n')
	return err
}

// A cut proxy closes the connections it forwards and turns new ones away;
// restored, it forwards again.
func TestCut(t *testing.T) {
	p, err := New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := roundTrip(p.Addr()); err != nil {
		t.Fatalf("before the cut: %v", err)
	}
	held, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	held.Write([]byte("x"))
	p.SetCut(true)
	if err := roundTrip(p.Addr()); err == nil {
		t.Fatal("a new connection went through the cut")
	}
	if _, err := bufio.NewReader(held).ReadString('\n'); err == nil {
		t.Fatal("a held connection survived the cut")
	}
	p.SetCut(false)
	if err := roundTrip(p.Addr()); err != nil {
		t.Fatalf("after the cut: %v", err)
	}
}
