"""What every area shares: errors, the actor and permissions, row scope, audit, the organization
context (currency, timezone), input types, formatting, money, dates, text and URL filters."""
