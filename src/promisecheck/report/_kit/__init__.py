"""What every report shares: the words (percent, dates, money) and the terminal."""
