// PLACEHOLDER: the benchmark work replaces this.
return 0;
