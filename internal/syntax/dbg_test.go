package syntax
import ("testing";"os";"fmt";"strings";"github.com/kqlhunt/kqlhunt/internal/source")
func TestDbgCorpus(t *testing.T){
  f,_:=os.Create("/tmp/x/fail.txt"); defer f.Close()
  for _, q := range readCorpus(t) { _,d:=Parse(source.New(q.ID,q.Query)); if d.Err()!=nil { fmt.Fprintf(f, "%s\t%s\n", q.ID, strings.ReplaceAll(d.Items[0].Pretty(),"\n","\n\t")) } }
}
