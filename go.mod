module github.com/openbms/bms

go 1.26.0

require (
	github.com/stretchr/testify v1.12.1
	golang.org/x/image v0.47.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
