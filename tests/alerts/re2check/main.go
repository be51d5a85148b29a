// re2check reads JSON lines {"name":..., "regex":..., "match":[...], "nomatch":[...]} on stdin and
// checks each regex with Go's regexp package, the RE2 syntax LogQL line filters use: it must
// compile, match every "match" text and none of the "nomatch" texts. Standard library only.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

type item struct {
	Name    string   `json:"name"`
	Regex   string   `json:"regex"`
	Match   []string `json:"match"`
	NoMatch []string `json:"nomatch"`
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	bad := 0
	n := 0
	for sc.Scan() {
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			fmt.Printf("bad input line: %v\n", err)
			os.Exit(2)
		}
		n++
		re, err := regexp.Compile(it.Regex)
		if err != nil {
			fmt.Printf("%s: not RE2: %v\n", it.Name, err)
			bad++
			continue
		}
		for _, t := range it.Match {
			if !re.MatchString(t) {
				fmt.Printf("%s: does not match its example %q\n", it.Name, t)
				bad++
			}
		}
		for _, t := range it.NoMatch {
			if re.MatchString(t) {
				fmt.Printf("%s: matches its counter-example %q\n", it.Name, t)
				bad++
			}
		}
	}
	fmt.Printf("%d regexes checked, %d problems\n", n, bad)
	if bad > 0 {
		os.Exit(1)
	}
}
