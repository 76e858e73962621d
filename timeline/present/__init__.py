"""What people see: view objects, canonical JSON, labels, console renderers and plots."""
