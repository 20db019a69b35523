"""The signed appraisal form (考核表): one PDF per published result version and
language, generated once and kept unchanged in the person's record."""
