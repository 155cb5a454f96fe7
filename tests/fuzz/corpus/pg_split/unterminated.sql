SELECT 'never closed;
