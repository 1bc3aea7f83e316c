// Bracket and quote balance, and the real-line check that an answer which closes its own call
// keeps its ')' while one that repeats the text after the cursor does not (issue 12, item 7).
#include "server/completion/bracket_balance.h"

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>

#include "completion_support.h"
#include "server/completion/stop_rule.h"

namespace flint {
namespace {

using completion_testing::kCursor;
using completion_testing::query_at;

TEST(BracketBalance, CountsOpenersAndStrayClosers) {
  EXPECT_TRUE(bracket_balance("print(total(items))", "python").balanced());
  EXPECT_TRUE(bracket_balance("x = [f(1), {2: (3)}]", "python").balanced());
  BracketBalance open = bracket_balance("print(total(items)", "python");
  EXPECT_EQ(open.unclosed, 1);
  EXPECT_EQ(open.unmatched, 0);
  BracketBalance stray = bracket_balance("print(total(items)))", "python");
  EXPECT_EQ(stray.unclosed, 0);
  EXPECT_EQ(stray.unmatched, 1);
  BracketBalance crossed = bracket_balance("f([)]", "python");
  EXPECT_FALSE(crossed.balanced());
  EXPECT_EQ(bracket_balance("if (x > 0) {", "c").unclosed, 1);
}

TEST(BracketBalance, StringsAndCommentsDoNotCount) {
  EXPECT_TRUE(bracket_balance("print(\")\")", "python").balanced());
  EXPECT_TRUE(bracket_balance("print('(', \"[\", `{`)", "javascript").balanced());
  EXPECT_TRUE(bracket_balance("print(\"a\\\")\")", "python").balanced());  // escaped quote
  EXPECT_TRUE(bracket_balance("f(x)  # g(", "python").balanced());
  EXPECT_TRUE(bracket_balance("f(x);  // g(", "cpp").balanced());
  EXPECT_TRUE(bracket_balance("f(x /* ) */);", "cpp").balanced());
  EXPECT_TRUE(bracket_balance("f(x)  -- g(", "lua").balanced());
  // '#' is no comment in C, nor inside a shell word.
  EXPECT_EQ(bracket_balance("#define F(x (x)", "c").unclosed, 1);
  EXPECT_EQ(bracket_balance("echo ${#a[@]} (", "shellscript").unclosed, 1);
  EXPECT_TRUE(bracket_balance("echo $(f) # (", "shellscript").balanced());
}

TEST(BracketBalance, AnUnpairedQuoteIsAnOpenString) {
  EXPECT_EQ(bracket_balance("s = \"abc\"\"", "python").open_strings, 1);
  EXPECT_TRUE(bracket_balance("s = \"abc\"", "python").balanced());
  EXPECT_EQ(bracket_balance("s = 'it''", "python").open_strings, 1);
  EXPECT_TRUE(bracket_balance("s = \"it's\"", "python").balanced());
  EXPECT_TRUE(bracket_balance("s = \"\"\"doc\"\"\"", "python").balanced());
  EXPECT_EQ(bracket_balance("s = \"\"\"doc\"\"\"\"\"\"", "python").open_strings, 1);
  // A string ends with its line; a template literal does not.
  EXPECT_EQ(bracket_balance("f(\"a\nb\")", "c").open_strings, 2);
  EXPECT_TRUE(bracket_balance("f(`a\n)`)", "javascript").balanced());
}

TEST(BracketBalance, ApostrophesThatAreNoQuotes) {
  EXPECT_TRUE(bracket_balance("fn f<'a>(x: &'a str) -> &'a str {}", "rust").balanced());
  EXPECT_TRUE(bracket_balance("let c = ')';", "rust").balanced());
  EXPECT_TRUE(bracket_balance("int n = f(1'000'000);", "cpp").balanced());
  EXPECT_TRUE(bracket_balance("char c = f(')');", "cpp").balanced());
  EXPECT_TRUE(bracket_balance("let x' = f (x)", "haskell").balanced());
  EXPECT_TRUE(bracket_balance("(map f '(a b))", "clojure").balanced());
}

TEST(BracketBalance, ATailGoesOnlyWhenItRepeatsTheTextAfterTheCursor) {
  EXPECT_EQ(without_repeated_tail("print(", "total(items)", ")", "python"), "total(items)");
  EXPECT_EQ(without_repeated_tail("print(", "total(items))", ")", "python"), "total(items)");
  EXPECT_EQ(without_repeated_tail("foo(", "a, b)", ")", "python"), "a, b");
  EXPECT_EQ(without_repeated_tail("x = [", "1, 2]", "]", "python"), "1, 2");
  EXPECT_EQ(without_repeated_tail("x = [", "f(1), g(2)", "]", "python"), "f(1), g(2)");
  EXPECT_EQ(without_repeated_tail("s = \"", "abc\"", "\"", "python"), "abc");
  EXPECT_EQ(without_repeated_tail("s = \"", "a(b)\"", "\"", "python"), "a(b)");
  EXPECT_EQ(without_repeated_tail("if (", "x > 0)", ") {", "c"), "x > 0");
  EXPECT_EQ(without_repeated_tail("if (", "x > 0", ") {", "c"), "x > 0");
  EXPECT_EQ(without_repeated_tail("f(", "x);", ");", "c"), "x");
  EXPECT_EQ(without_repeated_tail("f(", "x) ;", ");", "c"), "x) ;");  // no repeat of ");"
  EXPECT_EQ(without_repeated_tail("print(", "\")\")", ")", "python"), "\")\"");
  EXPECT_EQ(without_repeated_tail("print(", "x)", ")  # )", "python"), "x");
  EXPECT_EQ(without_repeated_tail("print(", "f(x)", ")  # )", "python"), "f(x)");
  EXPECT_EQ(without_repeated_tail("print(", "f(x)", "", "python"), "f(x)");
  EXPECT_EQ(without_repeated_tail("print(", "", ")", "python"), "");
}

// Real lines, each cut inside a call: "before‸argument‸rest" is the line before + the
// argument list + the rest of the line from the call's ')' on. The editor shows
// "before‸rest" (it closed the '(' the user typed, and the rest was there already); the model
// answers the argument list alone, with the call's own ')', or with all the rest of the line.
// Every time, the completed line must be the real line again.
// The lines are copied unchanged from /usr/lib/python3.11/*.py (an even sample of the lines
// matching ^\s*\w+ = [\w.]+\(.+\)$, half of them with brackets or backslashes in strings)
// and /usr/src/googletest (call statements ending in ");"), file and line noted; each is cut
// in the call that ends last and, when another, in the call that opens last.
struct RealLine {
  std::string_view language;
  std::string_view line;
};

constexpr RealLine kRealLines[] = {
    {"python", R"~(_commentclose = re.compile(‸r'--\s*>'‸))~"},             // _markupbase.py:12
    {"python", R"~(                exp = int(‸m.group('exp') or '0'‸))~"},  // _pydecimal.py:575
    {"python", R"~(                exp = int(m.group(‸'exp'‸) or '0'))~"},  // _pydecimal.py:575
    {"python",
     R"~(        regex_chars = re_compile(‸r"([\\.^$*+?\(\){}\[\]|])"‸))~"},  // _strptime.py:249
    {"python",
     R"~(            msg = _(‸'ambiguous option: %(option)s could match %(matches)s'‸))~"},  // argparse.py:2268
    {"python", R"~(    NONSPACECRE = re.compile(‸r"\S"‸))~"},  // configparser.py:606
    {"python", R"~(            pat = re.compile(‸r'(^|.*:)\s*\w*("|\')'‸))~"},  // doctest.py:1131
    {"python",
     R"~(_CacheInfo = namedtuple(‸"CacheInfo", ["hits", "misses", "maxsize", "currsize"]‸))~"},  // functools.py:430
    {"python",
     R"~(Response_code = re.compile(‸br'\[(?P<type>[A-Z-]+)( (?P<data>.*))?\]'‸))~"},  // imaplib.py:124
    {"python",
     R"~(                message = message.replace(‸b'\nFrom ', b'\n>From '‸))~"},  // mailbox.py:232
    {"python",
     R"~(        line_pat = re.compile(‸'^(?P<group>[^ \t]+)[ \t]+(.*)$'‸))~"},  // nntplib.py:644
    {"python", R"~(_component_re = re.compile(‸r'([0-9]+|[._+-])'‸))~"},         // platform.py:139
    {"python", R"~(    lines = doc.strip().split(‸'\n'‸))~"},                    // pydoc.py:197
    {"python",
     R"~(        resp = self.ehlo_resp.decode("latin-1").split(‸'\n'‸))~"},  // smtplib.py:465
    {"python", R"~(    p = s.find(‸b"\0"‸))~"},                              // tarfile.py:167
    {"python",
     R"~(        s = s.replace('$prefix', _prefix).replace(‸'$exec_prefix', _exec_prefix‸))~"},  // trace.py:670
    {"python",
     R"~(        Employee = NamedTuple(‸'Employee', [('name', str), ('id', int)]‸))~"},  // typing.py:2872
    {"python",
     R"~(        Employee = NamedTuple('Employee', [('name', str), (‸'id', int‸)]))~"},  // typing.py:2872
    {"python",
     R"~(    out = subprocess.check_output(‸["/usr/bin/lslpp", "-Lqc", "bos.rte"]‸))~"},  // _aix_support.py:39
    {"python", R"~(        other = _convert_other(‸other, raiseit=True‸))~"},  // _pydecimal.py:3563
    {"python",
     R"~(            sup = super(‸_SubParsersAction._ChoicesPseudoAction, self‸))~"},  // argparse.py:1162
    {"python", R"~(    minc = min(‸r, g, b‸))~"},                                 // colorsys.py:77
    {"python", R"~(    iterator = iter(‸code.co_exceptiontable‸))~"},             // dis.py:405
    {"python", R"~(        longopts = list(‸longopts‸))~"},                       // getopt.py:119
    {"python", R"~(        annotation = annotations.get(‸name, _empty‸))~"},      // inspect.py:2394
    {"python", R"~(        resp = self._shortcmd(‸'authinfo user ' + user‸))~"},  // nntplib.py:960
    {"python", R"~(        module = self.readline()[:-1].decode(‸"ascii"‸))~"},   // pickle.py:1498
    {"python", R"~(                item = Stats(‸item‸))~"},                      // pstats.py:174
    {"python", R"~(        dst = os.path.join(‸dst, os.path.basename(src)‸))~"},  // shutil.py:418
    {"python", R"~(        dst = os.path.join(dst, os.path.basename(‸src‸)))~"},  // shutil.py:418
    {"python",
     R"~(                errread = msvcrt.open_osfhandle(‸errread.Detach(), 0‸))~"},  // subprocess.py:904
    {"python", R"~(    worst = max(‸timings‸))~"},  // timeit.py:365
    {"python",
     R"~(_special = frozenset(‸{'__module__', '__name__', '__annotations__'}‸))~"},  // typing.py:2810
    {"cpp",
     R"~(GMOCK_DEFINE_DEFAULT_ACTION_FOR_RETURN_TYPE_(‸::std::string, ""‸);)~"},  // googlemock/include/gmock/gmock-actions.h:236
    {"cpp",
     R"~(  EXPECT_EQ(‸"isn't approximately 0.5", DescribeNegation(m2)‸);)~"},  // googlemock/test/gmock-matchers-arithmetic_test.cc:1237
    {"cpp",
     R"~(  EXPECT_EQ("isn't approximately 0.5", DescribeNegation(‸m2‸));)~"},  // googlemock/test/gmock-matchers-arithmetic_test.cc:1237
    {"cpp",
     R"~(  EXPECT_TRUE(‸m2.Matches("Wow Hi Hi")‸);)~"},  // googlemock/test/gmock-matchers-comparisons_test.cc:1740
    {"cpp",
     R"~(  EXPECT_TRUE(m2.Matches(‸"Wow Hi Hi"‸));)~"},  // googlemock/test/gmock-matchers-comparisons_test.cc:1740
    {"cpp",
     R"~(  EXPECT_EQ(‸"contains at least one element that is equal to 1", Describe(m)‸);)~"},  // googlemock/test/gmock-matchers-containers_test.cc:3063
    {"cpp",
     R"~(  EXPECT_EQ("contains at least one element that is equal to 1", Describe(‸m‸));)~"},  // googlemock/test/gmock-matchers-containers_test.cc:3063
    {"cpp",
     R"~(  GMOCK_FLAG_SET(‸verbose, "warning"‸);)~"},  // googlemock/test/gmock-nice-strict_test.cc:164
    {"cpp",
     R"~(    SplitString(‸filter, '-', &positive_and_negative_filters‸);)~"},  // googletest/src/gtest.cc:780
    {"cpp",
     R"~(        fprintf(‸stderr, InDeathTestChild() ? "Inside" : "Outside"‸);)~"},  // googletest/test/googletest-death-test-test.cc:1349
    {"cpp",
     R"~(  printf(‸"(expecting 1 failure)\n"‸);)~"},  // googletest/test/googletest-output-test_.cc:916
    {"cpp",
     R"~(  EXPECT_FALSE(‸AtomMatchesChar(false, '$', 'a')‸);)~"},  // googletest/test/googletest-port-test.cc:703
    {"cpp",
     R"~(  EXPECT_FALSE(AtomMatchesChar(‸false, '$', 'a'‸));)~"},  // googletest/test/googletest-port-test.cc:703
    {"cpp",
     R"~(  EXPECT_EQ(‸"((5, true), 'a' (97, 0x61))", Print(nested)‸);)~"},  // googletest/test/googletest-printers-test.cc:1233
    {"cpp",
     R"~(  EXPECT_EQ("((5, true), 'a' (97, 0x61))", Print(‸nested‸));)~"},  // googletest/test/googletest-printers-test.cc:1233
    {"cpp",
     R"~(  EXPECT_STREQ(‸"\xD5\xB6", WideStringToUtf8(s, -1).c_str()‸);)~"},  // googletest/test/gtest_unittest.cc:666
    {"cpp",
     R"~(  EXPECT_FALSE(‸IsSubstring("", "", L"b", kNull)‸);)~"},  // googletest/test/gtest_unittest.cc:2602
    {"cpp",
     R"~(  EXPECT_FALSE(IsSubstring(‸"", "", L"b", kNull‸));)~"},  // googletest/test/gtest_unittest.cc:2602
    {"cpp",
     R"~(GMOCK_DEFINE_DEFAULT_ACTION_FOR_RETURN_TYPE_(‸bool, false‸);)~"},  // googlemock/include/gmock/gmock-actions.h:237
    {"cpp",
     R"~(  EXPECT_TRUE(‸m_ref.Matches(quiet_nan)‸);)~"},  // googlemock/test/gmock-matchers-arithmetic_test.cc:182
    {"cpp",
     R"~(  EXPECT_TRUE(m_ref.Matches(‸quiet_nan‸));)~"},  // googlemock/test/gmock-matchers-arithmetic_test.cc:182
    {"cpp",
     R"~(  EXPECT_THAT(‸lhs, UnorderedPointwise(IsHalfOf(), rhs)‸);)~"},  // googlemock/test/gmock-matchers-containers_test.cc:2457
    {"cpp",
     R"~(  ON_CALL(b, DoB()).WillByDefault(‸Return(1)‸);)~"},  // googlemock/test/gmock-spec-builders_test.cc:2374
    {"cpp",
     R"~(  ON_CALL(b, DoB()).WillByDefault(Return(‸1‸));)~"},  // googlemock/test/gmock-spec-builders_test.cc:2374
    {"cpp",
     R"~(               Bool(‸++n4_‸));)~"},  // googletest/test/gtest_pred_impl_unittest.cc:1343
};

TEST(BracketBalance, RealLinesCutInsideACallComeBackWhole) {
  std::set<std::string> lines;
  int cases = 0;
  for (const RealLine& real : kRealLines) {
    std::string_view line = real.line;
    size_t cursor = line.find(kCursor);
    size_t call_end = line.find(kCursor, cursor + kCursor.size());
    ASSERT_NE(call_end, std::string_view::npos) << line;
    std::string before(line.substr(0, cursor));
    std::string argument(line.substr(cursor + kCursor.size(), call_end - cursor - kCursor.size()));
    std::string rest(line.substr(call_end + kCursor.size()));
    ASSERT_EQ(rest.front(), ')') << line;
    std::string original = before + argument + rest;
    lines.insert(original);
    CompletionQuery query =
        query_at("x = 1\n" + before + std::string(kCursor) + rest + "\ny = 2\n", real.language);
    ASSERT_EQ(query.mode, CompletionMode::kLine) << original;
    for (const std::string& answer : {argument, argument + ")", argument + rest}) {
      CompletionStop stop(query);
      stop.feed(answer + "\n" + "y = 2\n");
      ASSERT_TRUE(stop.done());
      EXPECT_EQ(before + stop.result() + rest, original) << "answer: " << answer;
      ++cases;
    }
  }
  EXPECT_GE(lines.size(), 40u);
  std::cout << lines.size() << " real lines, " << cases << " completions\n";
}

}  // namespace
}  // namespace flint
