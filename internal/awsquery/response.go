package awsquery

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"sync"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
)

// QueryXMLAppender is implemented by every generated output struct: it
// appends the struct's members as Query-protocol XML elements without
// reflection.
type QueryXMLAppender interface {
	AppendQueryXML(b []byte) []byte
}

// maxPooledBuffer keeps one unusually large response (a big
// GetAccountAuthorizationDetails) from pinning its buffer in the pool.
const maxPooledBuffer = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// WriteResponse writes a successful Query-protocol response for op:
//
//	<OpResponse xmlns="ns"><OpResult>…</OpResult><ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></OpResponse>
//
// The Result element is written only for operations with an output. out is
// the generated output struct (or a pointer to it); it is written through
// its AppendQueryXML method, or with encoding/xml and its xml tags when it
// has none. An error means out could not be encoded and nothing was sent.
func WriteResponse(w http.ResponseWriter, svc *apimodel.Service, op *apimodel.Operation, requestID string, out any) error {
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	defer func() {
		if cap(b) <= maxPooledBuffer {
			*bp = b[:0]
			bufPool.Put(bp)
		}
	}()
	b = append(b, '<')
	b = append(b, op.Name...)
	b = append(b, `Response xmlns="`...)
	b = apimodel.AppendText(b, namespace(svc))
	b = append(b, `">`...)
	if op.Output != nil {
		b = append(b, '<')
		b = append(b, op.ResultWrapper...)
		b = append(b, '>')
		var err error
		if b, err = appendResult(b, out); err != nil {
			return err
		}
		b = append(b, "</"...)
		b = append(b, op.ResultWrapper...)
		b = append(b, '>')
	}
	b = append(b, "<ResponseMetadata><RequestId>"...)
	b = apimodel.AppendText(b, requestID)
	b = append(b, "</RequestId></ResponseMetadata></"...)
	b = append(b, op.Name...)
	b = append(b, "Response>"...)
	send(w, http.StatusOK, requestID, b)
	return nil
}

func appendResult(b []byte, out any) ([]byte, error) {
	switch o := out.(type) {
	case nil:
		return b, nil
	case QueryXMLAppender:
		return o.AppendQueryXML(b), nil
	}
	// Encode the members only: a throw-away wrapper element is stripped.
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).EncodeElement(out, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
		return b, err
	}
	inner := buf.Bytes()
	if bytes.HasPrefix(inner, []byte("<x>")) && bytes.HasSuffix(inner, []byte("</x>")) {
		inner = inner[len("<x>") : len(inner)-len("</x>")]
	} else {
		inner = nil
	}
	return append(b, inner...), nil
}

func send(w http.ResponseWriter, status int, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// Assigned under its canonical form: Set would canonicalize (and
	// allocate) on every response. Header names are case-insensitive.
	h["X-Amzn-Requestid"] = []string{requestID}
	w.WriteHeader(status)
	// A write error means the client went away; there is no one to tell.
	_, _ = w.Write(body)
}

// namespace is the xmlns of svc's documents. When the service is not known
// yet (the request was refused before routing), STS's is used: the shared
// endpoint routes every unsigned request to STS, so that is the service
// such a client was talking to.
func namespace(svc *apimodel.Service) string {
	if svc == nil {
		return apimodel.STS.XMLNamespace
	}
	return svc.XMLNamespace
}

// internalFailureMessage is the text of AWS's InternalFailure common error
// ("The request processing has failed because of an unknown error,
// exception or failure", AWS Common Errors reference); the cause is never
// sent to the client.
const internalFailureMessage = "The request processing has failed because of an unknown error, exception or failure."

// WriteError writes err as a Query-protocol error document:
//
//	<ErrorResponse xmlns="ns"><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
//
// It is the one place that maps errors to the wire. For an *apierr.Error the
// status is e.HTTPStatus if set, else the status of svc's error shape for the
// code, else apierr.Common's, else 400. Any other error becomes a 500
// InternalFailure whose text is never shown.
func WriteError(w http.ResponseWriter, svc *apimodel.Service, requestID string, err error) {
	code, msg := apierr.InternalFailure, internalFailureMessage
	status, receiver := http.StatusInternalServerError, true
	if e, ok := apierr.As(err); ok && e != nil {
		code, msg = e.Code, e.Message
		status, receiver = Status(svc, e.Code)
		if e.HTTPStatus != 0 {
			status = e.HTTPStatus
			if _, known := lookup(svc, e.Code); !known {
				receiver = status >= 500
			}
		}
	}
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `<ErrorResponse xmlns="`...)
	b = apimodel.AppendText(b, namespace(svc))
	b = append(b, `"><Error><Type>`...)
	if receiver {
		b = append(b, "Receiver"...)
	} else {
		b = append(b, "Sender"...)
	}
	b = append(b, "</Type><Code>"...)
	b = apimodel.AppendText(b, code)
	b = append(b, "</Code><Message>"...)
	b = apimodel.AppendText(b, msg)
	b = append(b, "</Message></Error><RequestId>"...)
	b = apimodel.AppendText(b, requestID)
	b = append(b, "</RequestId></ErrorResponse>"...)
	send(w, status, requestID, b)
	if cap(b) <= maxPooledBuffer {
		*bp = b[:0]
		bufPool.Put(bp)
	}
}

// Status returns the HTTP status and fault type (receiver = server's fault)
// of an error code: from svc's model error shapes, then the common table,
// then 400 Sender.
func Status(svc *apimodel.Service, code string) (status int, receiver bool) {
	if es, ok := lookup(svc, code); ok {
		return es.HTTPStatus, !es.SenderFault
	}
	if st, recv, ok := apierr.Common(code); ok {
		return st, recv
	}
	return http.StatusBadRequest, false
}

func lookup(svc *apimodel.Service, code string) (apimodel.ErrorShape, bool) {
	if svc == nil {
		return apimodel.ErrorShape{}, false
	}
	es, ok := svc.Errors[code]
	return es, ok
}
