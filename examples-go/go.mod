module example.com/dogapi-example

go 1.19
