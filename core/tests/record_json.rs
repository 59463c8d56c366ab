//! Records as the browser sends them and the server reads them back: every
//! kind of value survives the round trip, and anything else is refused.

use csv_import_core::{Record, Value};

#[test]
fn every_value_reads_back_as_written() {
    let record = Record {
        row: 12,
        values: vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-42),
            Value::Int(i64::MAX),
            Value::Text("Zoë \"Z\" \\ O'Neil\n".into()),
            Value::Text(String::new()),
            Value::List(vec!["a".into(), "b, c".into()]),
            Value::List(Vec::new()),
        ],
        attributes: vec![("Program Start Date".into(), "2024-01-02".into())],
    };
    let json = serde_json::to_string(&record).unwrap();
    assert_eq!(
        json,
        r#"{"row":12,"values":[null,true,-42,9223372036854775807,"Zoë \"Z\" \\ O'Neil\n","",["a","b, c"],[]],"attributes":[["Program Start Date","2024-01-02"]]}"#
    );
    assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), record);
}

#[test]
fn values_that_are_none_of_the_kinds_are_refused() {
    for bad in ["1.5", "18446744073709551615", r#"{"a":1}"#, r#"["a", 1]"#, r#"["a", null]"#, r#"[["a"]]"#] {
        let json = format!(r#"{{"row":1,"values":[{bad}]}}"#);
        let error = serde_json::from_str::<Record>(&json).expect_err(bad);
        assert!(error.is_data(), "{bad}: {error}");
    }
}
