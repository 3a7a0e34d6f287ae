//! DynamoDB adapter for Parlo's single table (docs/data-model.md).
