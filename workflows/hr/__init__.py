"""HR's desk: rule packs, position mapping, cycles, calibration and payroll export."""
