module github.com/openbms/bms/_asm

go 1.26.0
