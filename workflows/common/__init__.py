"""What every page shares: words for stored codes (steps, roles, outcomes, audit
actions, errors) and the template filters that use them."""
