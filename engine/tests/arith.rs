//! `$((…))` held to a real shell: random expressions evaluated by
//! `arith::eval` and by Debian's dash (POSIX arithmetic: no `**`, `++`,
//! `--`), which must agree on the value, the variables assigned, and on
//! which expressions are errors. (A variable holding an expression, `c=a+1`,
//! is evaluated by busybox and bash, and refused by dash: run.rs tests it.)

use layerlab_engine::arith::eval;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::process::Command;

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![(0i64..20).prop_map(|n| n.to_string()), Just("a".to_string()), Just("b".to_string())];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let binary = prop::sample::select(vec!["+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&", "^", "|", "&&", "||"]);
        let assign = prop::sample::select(vec!["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="]);
        prop_oneof![
            (inner.clone(), binary, inner.clone()).prop_map(|(l, op, r)| format!("{l} {op} {r}")),
            (prop::sample::select(vec!["-", "+", "!", "~"]), inner.clone()).prop_map(|(op, e)| format!("{op} {e}")),
            inner.clone().prop_map(|e| format!("( {e} )")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, y, n)| format!("{c} ? {y} : {n}")),
            (prop::sample::select(vec!["a", "b"]), assign, inner.clone()).prop_map(|(v, op, e)| format!("{v} {op} {e}")),
            (inner.clone(), prop::sample::select(vec!["<<", ">>"]), 0u32..6).prop_map(|(l, op, n)| format!("( {l} ) {op} {n}")),
        ]
    })
}

/// dash's answer: Some((value, a, b)), or None when it reports an error.
fn dash(expr: &str) -> Option<(i64, String, String)> {
    let script = format!("a=3 b=-2; r=$(({expr})); echo \"$r $a $b\"");
    let out = Command::new("dash").arg("-c").arg(&script).output().expect("Debian's dash runs this test");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut parts = text.split_whitespace();
    Some((parts.next()?.parse().ok()?, parts.next()?.to_string(), parts.next()?.to_string()))
}

fn ours(expr: &str) -> Option<(i64, String, String)> {
    let mut vars: BTreeMap<String, String> = [("a", "3"), ("b", "-2")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let value = eval(expr, &mut vars).ok()?;
    Some((value, vars["a"].clone(), vars["b"].clone()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn arithmetic_agrees_with_dash(e in expr()) {
        prop_assert_eq!(ours(&e), dash(&e), "{}", e);
    }
}

#[test]
fn fixed_cases_agree_with_dash() {
    for e in ["1 + 2 * 3", "-7 / 2", "-7 % 3", "7 % -3", "010 + 0x10", "a = b = 4", "1 ? 2 : 0 ? 3 : 4", "0 ? a = 1 : (b = 2)", "1 && 0 || 1", "a += 1 && 0", "1 / 0", "1 +", "( 1", "08", "1 2", "a ? : 1"] {
        assert_eq!(ours(e), dash(e), "{e}");
    }
}
