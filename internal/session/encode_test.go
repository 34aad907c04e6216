package session

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// rec builds one record.
func rec(field byte, v string) []byte {
	b := []byte{field}
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// deflated is what follows bodyDeflate for records p: the length announced,
// then the stream, written here with another level than Seal uses.
func deflated(t testing.TB, p []byte) []byte {
	return deflatedAs(t, len(p), p)
}

func deflatedAs(t testing.TB, announced int, p []byte) []byte {
	buf := bytes.NewBuffer(binary.AppendUvarint(nil, uint64(announced)))
	w, err := flate.NewWriterDict(buf, flate.BestSpeed, []byte(dictionary))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(p)
	_ = w.Close()
	return buf.Bytes()
}

func TestBodyDecoding(t *testing.T) {
	r := mustRing(t, testKey(1))
	valid := appendClaims(nil, typicalClaims())
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"raw", join([]byte{bodyRaw}, valid), true},
		{"deflate", join([]byte{bodyDeflate}, deflated(t, valid)), true},
		{"ignorable unknown field", join([]byte{bodyRaw}, valid, rec(200, "future")), true},
		{"empty body", []byte{}, false},
		{"unknown encoding", join([]byte{2}, valid), false},
		{"no claims", []byte{bodyRaw}, false},
		{"critical unknown field", join([]byte{bodyRaw}, valid, rec(63, "x")), false},
		{"duplicate field", join([]byte{bodyRaw}, valid, rec(fAccountID, "999999999999")), false},
		{"truncated record", join([]byte{bodyRaw}, valid, []byte{fSessionPolicy, 10, 'a'}), false},
		{"lone field byte", join([]byte{bodyRaw}, valid, []byte{fSessionPolicy}), false},
		{"overlong varint length", join([]byte{bodyRaw}, valid, []byte{fSessionPolicy, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), false},
		{"principal type too big", join([]byte{bodyRaw}, bytes.Replace(valid, []byte{fPrincipalType, 1, 1}, []byte{fPrincipalType, 2, 0x80, 0x02}, 1)), false},
		{"int with trailing byte", join([]byte{bodyRaw}, bytes.Replace(valid, []byte{fPrincipalType, 1, 1}, []byte{fPrincipalType, 2, 1, 0}, 1)), false},
		{"invalid principal type", join([]byte{bodyRaw}, bytes.Replace(valid, []byte{fPrincipalType, 1, 1}, []byte{fPrincipalType, 1, 7}, 1)), false},
		{"mfa flag 2", join([]byte{bodyRaw}, valid, []byte{fMFAAuthenticated, 1, 2}), false},
		{"chain depth huge", join([]byte{bodyRaw}, valid, rec(fChainDepth, string(binary.AppendUvarint(nil, 1<<40)))), false},
		{"bad tag record", join([]byte{bodyRaw}, valid, rec(fTag, "\x05ab")), false},
		{"bad time", join([]byte{bodyRaw}, valid, rec(fIssuedAt, "\x80")), false},
		{"deflate garbage", join([]byte{bodyDeflate}, []byte("not deflate at all")), false},
		{"deflate announces less", join([]byte{bodyDeflate}, deflatedAs(t, len(valid)-1, valid)), false},
		{"deflate announces more", join([]byte{bodyDeflate}, deflatedAs(t, len(valid)+1, valid)), false},
		{"deflate announces zero", join([]byte{bodyDeflate}, deflatedAs(t, 0, nil)), false},
		{"deflate announces too much", join([]byte{bodyDeflate}, deflatedAs(t, maxBodyLen+1, valid)), false},
		{"deflate no length", []byte{bodyDeflate}, false},
		{"deflate bomb", join([]byte{bodyDeflate}, deflated(t, join(valid, rec(fSessionPolicy, strings.Repeat("a", maxBodyLen))))), false},
		{"missing secret", join([]byte{bodyRaw}, appendClaims(nil, func() *Claims { c := typicalClaims(); c.SecretAccessKey = ""; return c }())), false},
	}
	for _, tt := range tests {
		c, err := r.Open(sealBody(r, tt.body))
		if tt.ok {
			if err != nil {
				t.Errorf("%s: Open: %v", tt.name, err)
			} else if !reflect.DeepEqual(c, typicalClaims()) {
				t.Errorf("%s: claims differ: %#v", tt.name, c)
			}
			continue
		}
		if !errors.Is(err, ErrMalformed) || c != nil {
			t.Errorf("%s: Open = %v, %v; want ErrMalformed", tt.name, c, err)
		}
	}
}

func TestUvarintString(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1 << 35, 1<<64 - 1} {
		b := binary.AppendUvarint(nil, v)
		got, k := uvarintString(string(b))
		want, wk := binary.Uvarint(b)
		if got != want || k != wk || got != v {
			t.Errorf("uvarintString(%x) = %d, %d; binary.Uvarint = %d, %d", b, got, k, want, wk)
		}
		if _, k := uvarintString(string(b[:len(b)-1])); k > 0 {
			t.Errorf("truncated %x decoded", b)
		}
	}
	overflow := "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"
	if _, k := uvarintString(overflow); k > 0 {
		t.Error("overflowing varint decoded")
	}
	if _, k := binary.Uvarint([]byte(overflow)); k > 0 {
		t.Error("binary.Uvarint disagrees on overflow")
	}
}

func FuzzOpen(f *testing.F) {
	r := mustRing(f, testKey(1), testKey(2))
	for _, c := range []*Claims{typicalClaims(), fullClaims(), maxRealisticClaims()} {
		token, err := r.Seal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(token)
		f.Add(token[:len(token)/2])
	}
	f.Add("")
	f.Add("AQAAAAE=")
	f.Add(strings.Repeat("A", 100))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := r.Open(token)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("refusal %v does not match ErrInvalidToken", err)
			}
			return
		}
		// Only tokens this ring sealed open; they must re-seal and reopen.
		again, err := r.Seal(c)
		if err != nil {
			t.Fatalf("re-seal: %v", err)
		}
		if c2, err := r.Open(again); err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("reopen: %v", err)
		}
	})
}

// FuzzBody feeds arbitrary bodies through a genuine seal, reaching the
// decompressor and claims decoder that a forged token never reaches.
func FuzzBody(f *testing.F) {
	r := mustRing(f, testKey(1))
	valid := appendClaims(nil, fullClaims())
	f.Add(append([]byte{bodyRaw}, valid...))
	f.Add(append([]byte{bodyDeflate}, deflated(f, valid)...))
	f.Add([]byte{bodyRaw, fTag, 3, 1, 'k', 'v'})
	f.Add([]byte{bodyDeflate, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := r.Open(sealBody(r, body))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("refusal %v, want ErrMalformed", err)
			}
			return
		}
		token, err := r.Seal(c)
		if err != nil {
			var tl *TooLargeError
			if errors.As(err, &tl) {
				return // a crafted body may hold more than Seal allows
			}
			t.Fatalf("decoded claims do not re-seal: %v", err)
		}
		c2, err := r.Open(token)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("re-sealed claims differ: %v", err)
		}
	})
}
