"""What every chart builder shares: a chart as its shape and its data (`parts`)."""
