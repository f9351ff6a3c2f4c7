package eucentre

// Fixtures shared with the external tests in package eucentre_test, which exercise the client
// against eucentrefake (an internal test cannot import it: eucentrefake imports eucentre).
var (
	FullRecord = fullRecord
	TwoFiles   = twoFiles
	TestKey    = testKey
)
