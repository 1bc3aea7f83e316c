package sample

import (
	"fmt"
	"strings"
)

// Shape has an area.
type Shape interface {
	Area() float64
}

type Rect struct {
	W, H float64
}

func (r Rect) Area() float64 { return r.W * r.H }

func Describe(shapes []Shape) string {
	var b strings.Builder
	for i, s := range shapes {
		switch v := s.(type) {
		case Rect:
			fmt.Fprintf(&b, "%d: rect %v\n", i, v.Area())
		default:
			b.WriteString("?")
		}
	}
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	return b.String()
}
