"""Reading variable sets: YAML with line numbers, safely."""
