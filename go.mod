module github.com/flowy-go/flowy

go 1.26.8
